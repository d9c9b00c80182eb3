import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually } from '@argus/shared/testing';
import { freePort } from './support/processes.js';
import { sampleEvent, startStack, type TestStack } from './support/stack.js';

const repositoryRoot = new URL('..', import.meta.url).pathname;

/** A process from the build, its stdout and stderr collected; `detached` makes it lead a process group, as a terminal's job. */
function start(command: string[], env: Record<string, string>): ChildProcess & { output: () => string } {
  let output = '';
  const child = spawn(command[0]!, command.slice(1), { cwd: repositoryRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout!.on('data', (chunk) => (output += String(chunk)));
  child.stderr!.on('data', (chunk) => (output += String(chunk)));
  return Object.assign(child, { output: () => output });
}

/** Resolves with how the process ended, or 'still running' after `ms`. */
async function exitWithin(child: ChildProcess, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null } | 'still running'> {
  if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode };
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  return Promise.race([exited, sleep(ms, 'still running' as const, { ref: false })]);
}

const lines = (output: string, message: string) => output.split('\n').filter((line) => line.includes(`"msg":"${message}"`));

/**
 * Ctrl-C on `make start 2>&1 | tee log` sends SIGINT to every process (tee included), then the start
 * script sends SIGTERM: the api once kept retrying a log line to the closed pipe for a minute, and
 * logged "shutting down" twice, the second signal exiting before the first stop had drained.
 */
describe('stopping the processes', () => {
  let stack: TestStack;
  const started: ChildProcess[] = [];
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    for (const child of started) if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    await stack.stop();
  });

  const processEnv = async () => ({ ...stack.env, LOG_LEVEL: 'info', PORT: String(await freePort()), HOST: '127.0.0.1', WORKER_METRICS_PORT: '0' });

  /** A POST /events whose body is only half sent: `finish` sends the rest and resolves with the answer's status line. */
  async function requestInFlight(port: string): Promise<{ finish(): Promise<string> }> {
    const { token } = await stack.tokenFor(`inflight-${port}`);
    const body = JSON.stringify(sampleEvent());
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    let answer = '';
    socket.on('data', (chunk) => (answer += String(chunk)));
    socket.write(`POST /events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`);
    return {
      async finish() {
        socket.write(body.slice(10));
        await Promise.race([once(socket, 'close'), eventually(async () => (answer.includes('\r\n') ? true : undefined), 10_000, 'an answer')]);
        socket.destroy();
        return answer.split('\r\n')[0] ?? '';
      },
    };
  }

  it.each([
    ['read to the end', false],
    ['closed between the signals, as tee does on Ctrl-C', true],
  ])('the api, its stdout %s, finishes a request in flight on SIGINT then SIGTERM, then exits 0', async (_how, closeStdout) => {
    const env = await processEnv();
    const child = start([process.execPath, 'api/dist/main.js'], env);
    started.push(child);
    await eventually(async () => (lines(child.output(), 'api listening').length > 0 ? true : undefined), 20_000, 'the api to start');
    await sleep(200); // its signal handlers are set just after that line
    const request = await requestInFlight(env.PORT);
    child.kill('SIGINT');
    await sleep(50);
    if (closeStdout) child.stdout!.destroy();
    child.kill('SIGTERM');
    await sleep(50);
    expect(await request.finish()).toBe('HTTP/1.1 202 Accepted');
    expect(await exitWithin(child, 15_000)).toEqual({ code: 0, signal: null });
    if (!closeStdout) expect(lines(child.output(), 'shutting down')).toHaveLength(1);
  });

  it('stops cleanly, once started, on a signal that comes while it is still starting', async () => {
    // no broker: the api waits for it, up to BROKER_STARTUP_WAIT_MS, before it listens
    const env = { ...(await processEnv()), AMQP_URL: `amqp://guest:guest@127.0.0.1:${await freePort()}`, BROKER_STARTUP_WAIT_MS: '10000', PORT: String(await freePort()) };
    const child = start([process.execPath, 'api/dist/main.js'], env);
    started.push(child);
    await eventually(async () => (child.output().includes('cannot reach the broker') ? true : undefined), 20_000, 'the api to be starting');
    child.kill('SIGTERM');
    expect(await exitWithin(child, 15_000)).toEqual({ code: 0, signal: null });
    expect(lines(child.output(), 'shutting down')).toHaveLength(1);
  });

  it('the worker logs shutting down once on SIGINT then SIGTERM, and exits 0', async () => {
    const child = start([process.execPath, 'worker/dist/main.js'], await processEnv());
    started.push(child);
    await eventually(async () => (lines(child.output(), 'worker consuming').length > 0 ? true : undefined), 20_000, 'the worker to start');
    await sleep(200);
    child.kill('SIGINT');
    await sleep(20);
    child.kill('SIGTERM');
    expect(await exitWithin(child, 15_000)).toEqual({ code: 0, signal: null });
    expect(lines(child.output(), 'shutting down')).toHaveLength(1);
  });

  it('the start script stops everything on Ctrl-C and exits 0, so make reports no error', async () => {
    const env = { ...(await processEnv()), ADMIN_PORT: String(await freePort()), ADMIN_HOST: '127.0.0.1' };
    const script = start(['bash', 'scripts/start.sh'], env);
    started.push(script);
    await eventually(async () => (script.output().includes('Argus is running') ? true : undefined), 60_000, 'make start to be running');
    process.kill(-script.pid!, 'SIGINT'); // Ctrl-C reaches the whole foreground process group
    expect(await exitWithin(script, 30_000)).toEqual({ code: 0, signal: null });
    await eventually(async () => (lines(script.output(), 'shutting down').length >= 2 ? true : undefined), 5000, 'the processes to stop');
    expect(lines(script.output(), 'shutting down').map((line) => (JSON.parse(line) as { name: string }).name).sort()).toEqual(
      expect.arrayContaining(['api', 'worker']),
    );
    expect(new Set(lines(script.output(), 'shutting down').map((line) => (JSON.parse(line) as { name: string }).name)).size).toBe(lines(script.output(), 'shutting down').length);
  }, 120_000);
});
