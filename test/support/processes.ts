import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createServer } from 'node:net';

/** Api and worker as real processes, from the build that `make test` makes first, so that tests can kill them as production would. */
const repositoryRoot = new URL('../..', import.meta.url).pathname;

export function startProcess(script: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [script], { cwd: repositoryRoot, env: { ...process.env, ...env }, stdio: ['ignore', logs ? 'pipe' : 'ignore', logs ? 'pipe' : 'ignore'] });
  if (logs) {
    const file = createWriteStream(join(logs, `${basename(dirname(dirname(script)))}-${child.pid}.log`));
    child.stdout?.pipe(file);
    child.stderr?.pipe(file);
  }
  return child;
}

/** A folder to keep the output of every process a test starts in, for finding out why one failed. */
const logs = process.env.TEST_PROCESS_LOGS;

/** Sends the signal and resolves with the exit code once the process is gone. */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = once(child, 'exit');
  child.kill(signal);
  const [code] = (await exited) as [number | null];
  return code;
}

/** A process's resident memory now, in bytes (Linux). */
export async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kilobytes = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (!kilobytes) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kilobytes) * 1024;
}

/** A TCP port nothing listens on now, for a process the test starts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
