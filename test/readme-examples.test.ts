import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { startStack, type TestStack } from './support/stack.js';

const repositoryRoot = new URL('..', import.meta.url).pathname;

/** Every ```sh block of the README, with the title of the section it is in. */
async function readmeShellBlocks(): Promise<{ section: string; code: string }[]> {
  const readme = await readFile(`${repositoryRoot}README.md`, 'utf8');
  const blocks: { section: string; code: string }[] = [];
  let section = '';
  for (const part of readme.split(/^```/m).entries()) {
    const [index, text] = part;
    if (index % 2 === 0) {
      section = [...text.matchAll(/^#+ (.+)$/gm)].at(-1)?.[1] ?? section;
    } else if (text.startsWith('sh\n')) {
      blocks.push({ section, code: text.slice(3) });
    }
  }
  return blocks;
}

/** The sections whose examples a new user pastes against the api, in order; the others start or build things. */
const sectionsRun = ['Quick start', 'Schema registry', 'Tokens', 'Reading events'];

/**
 * A new user pastes the README's examples in order on a fresh install: each must work. They run
 * here as written, against a stack of this test's own: `make generatetoken` runs the command it
 * stands for, localhost:8000 is the stack's api, and curl fails on any answer of 400 or more.
 */
describe('the README examples', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack();
    await stack.startWorker();
  });
  afterAll(() => stack.stop());

  it('all work when pasted in order on a fresh install', async () => {
    const blocks = await readmeShellBlocks();
    // `make start` and `make test` are what runs this; the examples are what follows them
    const run = blocks.filter((block) => sectionsRun.includes(block.section) && /\b(curl|generatetoken)\b/.test(block.code));
    expect([...new Set(run.map((block) => block.section))]).toEqual(sectionsRun);
    const { host } = new URL(stack.baseUrl);
    const script = [
      'set -euo pipefail',
      // what the Makefile's generatetoken target runs: the token is the last line of stdout
      'make() { local email="" app="" scope=""; for arg in "$@"; do case "$arg" in email=*) email=${arg#email=};; app=*) app=${arg#app=};; scope=*) scope=${arg#scope=};; esac; done;',
      '  node shared/dist/cli/generate-token.js --email "$email" ${app:+--app "$app"} ${scope:+--scope "$scope"} | tail -n 1; }',
      'curl() { command curl --fail-with-body --silent --show-error "$@"; echo; }',
      ...run.map((block) => {
        const code = block.code.replaceAll('localhost:8000', host).replaceAll('postgres://postgres@127.0.0.1:5432/argus', stack.database.url);
        // a person reads events back a moment after sending them; the worker needs that moment too
        const waitForStored = block.section === 'Reading events' ? `until curl -sf "http://${host}/events/6f1c3c1e-5b7a-4d2e-8f3a-2b1c0d9e8f7a" -H "Authorization: Bearer $TOKEN" >/dev/null 2>&1; do sleep 0.2; done\n` : '';
        return `echo "### ${block.section}"\n${waitForStored}${code}`;
      }),
    ].join('\n');
    const { stdout } = await promisify(execFile)('bash', ['-c', script], {
      cwd: repositoryRoot,
      env: { ...process.env, DATABASE_URL: stack.database.url, JWT_SECRET: stack.env.JWT_SECRET!, NODE_ENV: 'test' },
      timeout: 60_000,
    }).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`a README example failed (${String(error)}):\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
    });
    expect(stdout).toContain('HTTP/1.1 202 Accepted');
    expect(stdout).toMatch(/"incompatible_changes":\[\{"path":"data.currency","change":"required_added"/);
    expect(stdout).toContain('"id":"6f1c3c1e-5b7a-4d2e-8f3a-2b1c0d9e8f7a"');
  }, 90_000);
});
