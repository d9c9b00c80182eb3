import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** Api and worker as real processes, from the build that `make test` makes first, so that they can be killed like in production. */
const repositoryRoot = new URL('../..', import.meta.url).pathname;

export function startProcess(script: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [script], { cwd: repositoryRoot, env: { ...process.env, ...env }, stdio: 'ignore' });
}

/** Sends the signal and resolves with the exit code once the process is gone. */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = once(child, 'exit');
  child.kill(signal);
  const [code] = (await exited) as [number | null];
  return code;
}
