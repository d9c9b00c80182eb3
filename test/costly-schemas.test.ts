import { sampleEvent, startStack, type TestStack } from './support/stack.js';

/** A schema whose only property `x` allows these values. */
const enumSchema = (values: unknown[]) => ({ type: 'object', properties: { x: { enum: values } } });
/** `count` properties, each a string of exactly n letters: RE2 compiles each into a program n letter classes long. */
const letterPatterns = (count: number) => ({
  type: 'object',
  properties: Object.fromEntries(Array.from({ length: count }, (_, i) => [`p${i}`, { pattern: `^\\p{L}{${(i % 1000) + 1}}$` }])),
});

/**
 * One application's schema must not hold up the others: registering these once froze the api for
 * 13 s to 154 s (ingest answered 503 meanwhile). Events are posted all along, and each must be
 * answered 202 within 2 s (bounded generously: the point is a stall, not a speed).
 */
describe('a costly schema registration holds up no request of any application', () => {
  let stack: TestStack;
  let schemaToken: string;
  let writeToken: string;

  beforeAll(async () => {
    stack = await startStack();
    ({ token: schemaToken } = await stack.tokenFor('tenant', ['schema']));
    ({ token: writeToken } = await stack.tokenFor('bystander'));
  });
  afterAll(() => stack.stop());

  const register = (path: string, schema: unknown) =>
    fetch(`${stack.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${schemaToken}` },
      body: JSON.stringify({ schema }),
    });

  /** Runs `work` while posting events one after the other; gives back its result and every post's status and duration. */
  async function whilePosting<T>(work: () => Promise<T>): Promise<{ result: T; posts: { status: number; ms: number }[] }> {
    const posts: { status: number; ms: number }[] = [];
    let done = false;
    const posting = (async () => {
      while (!done) {
        const started = performance.now();
        const response = await stack.post(sampleEvent(), { token: writeToken });
        await response.arrayBuffer();
        posts.push({ status: response.status, ms: performance.now() - started });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    try {
      return { result: await work(), posts };
    } finally {
      done = true;
      await posting;
    }
  }

  const expectPromptlyAccepted = (posts: { status: number; ms: number }[]) => {
    expect(posts.length).toBeGreaterThan(0);
    expect(posts.filter((post) => post.status !== 202 || post.ms > 2000)).toEqual([]);
  };

  it('reports the changes between enums of 10,000 values each', async () => {
    const { result, posts } = await whilePosting(async () => {
      const first = await register('/schemas/big/enum', enumSchema(Array.from({ length: 10_000 }, () => ({ a: 0 }))));
      const second = await register('/schemas/big/enum', enumSchema(Array.from({ length: 10_000 }, () => ({ a: 1 }))));
      return { first: first.status, second: second.status, body: (await second.json()) as { incompatible_changes: { message: string }[] } };
    });
    expect(result).toMatchObject({ first: 201, second: 201 });
    expect(result.body.incompatible_changes).toEqual([{ path: 'data.x', change: 'enum_narrowed', message: 'no longer allows {"a":0}, {"a":0}, {"a":0}, {"a":0}, {"a":0}, {"a":0}, {"a":0}, {"a":0}, {"a":0}, {"a":0}, {"a":0}, {"a":0}, {"a":0}, {"a":0}, {"a":0}, {"a":0}, {"a":0}, {"a":0}, {"a":0}, {"a":0} and 9980 more' }]);
    expectPromptlyAccepted(posts);
  });

  it.each([1000, 6000])('refuses %i costly patterns as over the compile budget, naming it', async (count) => {
    const { result, posts } = await whilePosting(async () => {
      const response = await register(`/schemas/big/patterns-${count}`, letterPatterns(count));
      return { status: response.status, body: (await response.json()) as { error: { code: string; message: string } } };
    });
    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe('schema_too_complex');
    expect(result.body.error.message).toMatch(/longer than 1000 ms to compile \(SCHEMA_COMPILE_BUDGET_MS\)/);
    expectPromptlyAccepted(posts);
  });

  it('refuses a schema body over MAX_SCHEMA_BYTES with a 413 that names the limit', async () => {
    const response = await register('/schemas/big/huge', enumSchema(Array.from({ length: 30_000 }, (_, i) => `value ${i}`)));
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe("a schema's body may have at most 262144 bytes (MAX_SCHEMA_BYTES)");
  });
});
