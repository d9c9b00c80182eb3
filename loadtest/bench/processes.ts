import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

export type Running = { child: ChildProcess; stop(): Promise<void> };

/** Starts `node <script>` from the repository root; `stop` sends SIGTERM and waits for the exit. */
export function startNode(script: string, env: Record<string, string> = {}, args: string[] = []): Running {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: repositoryRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return {
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function firstLine(running: Running): Promise<string> {
  const lines = createInterface({ input: running.child.stdout! });
  for await (const line of lines) return line;
  throw new Error('the process exited without printing');
}

/** CPU seconds (user and system) a process has used so far, from Linux's /proc; undefined elsewhere. */
export function cpuSecondsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // the fields after the command name, which may hold spaces and parentheses: utime and stime are the 12th and 13th
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop()!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
  } catch {
    return undefined;
  }
}
/** USER_HZ: 100 on every Linux architecture node runs on. */
const clockTicksPerSecond = 100;

/** Runs `node <script> <args>` to completion and returns its stdout. */
export async function runNode(script: string, args: string[]): Promise<string> {
  const running = startNode(script, {}, args);
  let output = '';
  running.child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(running.child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${script} exited with ${code}`);
  return output;
}

/** Polls `condition` until it holds; a bench step that never ends fails with `what` instead of hanging. */
export async function waitUntil(condition: () => Promise<boolean>, what: string, timeoutMs = 300_000, pollMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await sleep(pollMs);
  }
  throw new Error(`waited ${timeoutMs} ms for ${what}`);
}

export function waitForHealth(url: string, timeoutMs = 30_000): Promise<void> {
  return waitUntil(() => fetch(url).then((response) => response.ok, () => false), `${url} to answer`, timeoutMs);
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  return port;
}
