import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repositoryRoot = new URL('..', import.meta.url).pathname;

describe('in production', () => {
  it.each([
    ['api/dist/main.js', ['JWT_SECRET']],
    ['admin/dist/main.js', ['JWT_SECRET', 'SESSION_SECRET']],
  ])('%s refuses to start without its secrets, naming each', async (script, secrets) => {
    const { JWT_SECRET: _jwt, SESSION_SECRET: _session, ...withoutSecrets } = process.env;
    const env = { ...withoutSecrets, NODE_ENV: 'production' };
    const failure = await run(process.execPath, [script], { cwd: repositoryRoot, env, timeout: 20_000 }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    for (const name of secrets) expect(failure?.stderr).toContain(`${name}: required in production`);
  });
});
