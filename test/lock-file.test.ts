import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const repositoryRoot = new URL('..', import.meta.url).pathname;

/**
 * A first `make start` once rewrote package-lock.json (239 lines of other platforms' optional
 * packages), leaving a fresh clone dirty. npm, resolving the manifests against the committed lock
 * from its cache (no install, no network), must find nothing to change.
 */
describe('package-lock.json', () => {
  it('is what npm makes of the package.json files: installing leaves it unchanged', async () => {
    const { workspaces } = JSON.parse(await readFile(join(repositoryRoot, 'package.json'), 'utf8')) as { workspaces: string[] };
    const copy = await mkdtemp(join(tmpdir(), 'argus-lock-'));
    try {
      for (const file of ['package.json', 'package-lock.json', ...workspaces.map((workspace) => `${workspace}/package.json`)]) {
        await cp(join(repositoryRoot, file), join(copy, file));
      }
      await promisify(execFile)('npm', ['install', '--package-lock-only', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: copy, timeout: 60_000 });
      const [committed, resolved] = await Promise.all([readFile(join(repositoryRoot, 'package-lock.json'), 'utf8'), readFile(join(copy, 'package-lock.json'), 'utf8')]);
      expect(resolved === committed).toBe(true);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });
});
