import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { verifyPassword, verifyToken } from '@argus/shared';
import { createTestDatabase, testSecret, type TestDatabase } from '@argus/shared/testing';

const run = promisify(execFile);
const repositoryRoot = new URL('..', import.meta.url).pathname;

describe('make generatetoken', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  const generate = (...args: string[]) =>
    run('make', ['-s', 'generatetoken', ...args], {
      cwd: repositoryRoot,
      env: { ...process.env, DATABASE_URL: database.url, JWT_SECRET: testSecret },
    });

  it('creates the application and prints the bare token as the last line of stdout', async () => {
    const { stdout } = await generate('email=ada@example.com', 'app=checkout', 'scope=read,write');
    const token = stdout.trim().split('\n').at(-1)!;
    const claims = verifyToken(testSecret, token);
    expect(claims.scopes.sort()).toEqual(['read', 'write']);
    const [application] = await database.db.query('SELECT id, name, email FROM applications WHERE id = $1', [claims.applicationId]);
    expect(application).toMatchObject({ name: 'checkout', email: 'ada@example.com' });
    const [record] = await database.db.query('SELECT application_id, revoked_at FROM api_tokens WHERE id = $1', [claims.tokenId]);
    expect(record).toEqual({ application_id: claims.applicationId, revoked_at: null });
  });

  it('reuses the application on a second call and names it after the email by default', async () => {
    const first = verifyToken(testSecret, (await generate('email=grace@example.com')).stdout.trim());
    const second = verifyToken(testSecret, (await generate('email=grace@example.com')).stdout.trim());
    expect(second.applicationId).toBe(first.applicationId);
    expect(second.tokenId).not.toBe(first.tokenId);
    expect(first.scopes).toEqual(['write']);
  });

  it('refuses a bad email or scope with a clear message and a non-zero exit', async () => {
    await expect(generate('email=not-an-email')).rejects.toMatchObject({ stderr: expect.stringContaining('email') });
    await expect(generate('email=ada@example.com', 'scope=everything')).rejects.toMatchObject({ stderr: expect.stringContaining('scope') });
  });
});

describe('make createsuperuser', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  const createSuperuser = (...args: string[]) =>
    run('make', ['-s', 'createsuperuser', ...args], { cwd: repositoryRoot, env: { ...process.env, DATABASE_URL: database.url } });
  const storedHash = async (email: string) =>
    (await database.db.query('SELECT password_hash FROM operators WHERE email = $1', [email]))[0]?.password_hash as string | undefined;

  it('creates an operator with a salted scrypt hash, never the password itself', async () => {
    const { stdout } = await createSuperuser('email=ops@example.com', 'password=correct horse battery');
    expect(stdout).not.toContain('correct horse battery');
    const hash = (await storedHash('ops@example.com'))!;
    expect(hash).toMatch(/^scrypt\$/);
    expect(hash).not.toContain('correct horse battery');
    await expect(verifyPassword('correct horse battery', hash)).resolves.toBe(true);
    await expect(verifyPassword('correct horse batterY', hash)).resolves.toBe(false);
  });

  it('refuses to prompt without a terminal, and refuses a short password', async () => {
    await expect(createSuperuser('email=quiet@example.com')).rejects.toMatchObject({ stderr: expect.stringContaining('no terminal') });
    await expect(createSuperuser('email=quiet@example.com', 'password=short')).rejects.toMatchObject({
      stderr: expect.stringContaining('at least 12 characters'),
    });
    expect(await storedHash('quiet@example.com')).toBeUndefined();
  });
});

describe('docker-compose.yml', () => {
  it('is a valid compose file', async () => {
    await expect(run('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], { cwd: repositoryRoot })).resolves.toBeDefined();
  });
});
