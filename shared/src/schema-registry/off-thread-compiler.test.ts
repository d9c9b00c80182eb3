import { createOffThreadSchemaCompiler, SchemaTooComplex } from './off-thread-compiler.js';
import { InvalidEventSchema } from './schema-compiler.js';

/** 1,000 patterns of this kind took 25 s to compile on the caller's thread. */
const manyCostlyPatterns = (count: number) => ({
  type: 'object',
  properties: Object.fromEntries(Array.from({ length: count }, (_, i) => [`p${i}`, { type: 'string', pattern: `^\\p{L}{${(i % 1000) + 1}}$` }])),
});

describe('the off-thread schema compiler', () => {
  const compiler = createOffThreadSchemaCompiler({ budgetMs: 1000 });
  afterAll(() => compiler.close());

  it('accepts a schema that compiles and refuses one that does not, with the compiler message', async () => {
    await expect(compiler.compile({ type: 'object', properties: { price: { type: 'number' } } })).resolves.toBeUndefined();
    await expect(compiler.compile({ type: 'strnig' })).rejects.toThrow(InvalidEventSchema);
    await expect(compiler.compile({ properties: { a: { format: 'emial' } } })).rejects.toThrow(/unknown format "emial"/);
  });

  it('refuses a schema over the compile budget, naming it, without stalling this thread, and compiles the next one', async () => {
    let longestStallMs = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      longestStallMs = Math.max(longestStallMs, now - last);
      last = now;
    }, 10);
    const started = performance.now();
    await expect(compiler.compile(manyCostlyPatterns(6000))).rejects.toThrow(SchemaTooComplex);
    clearInterval(ticker);
    expect(performance.now() - started).toBeLessThan(10_000);
    // the compile of 6,000 patterns ran 154 s on the event loop; here the loop kept ticking (bounded generously)
    expect(longestStallMs).toBeLessThan(500);
    await expect(compiler.compile(manyCostlyPatterns(6000))).rejects.toThrow(/longer than 1000 ms to compile \(SCHEMA_COMPILE_BUDGET_MS\)/);
    await expect(compiler.compile({ type: 'object' })).resolves.toBeUndefined();
  });

  it('keeps a __proto__ key of a schema as the key it is', async () => {
    await expect(compiler.compile(JSON.parse('{"type": "object", "properties": {"__proto__": {"type": "strnig"}}}'))).rejects.toThrow(InvalidEventSchema);
  });
});
