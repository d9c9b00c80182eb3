import { silentLog } from '@argus/shared/testing';
import { explodingSchema, pairwiseData, pairwiseSchema, selfReferencingSchema } from './hostile-schemas.js';
import { createSchemaPool, type SchemaPool } from './schema-pool.js';

const priceIsNumber = { type: 'object', required: ['price'], properties: { price: { type: 'number' } } };

/** Runs on real threads: the pool's point is what a thread does when a check never ends. */
describe('the schema pool', () => {
  let pool: SchemaPool;
  beforeEach(() => {
    pool = createSchemaPool({ budgetMs: 50, shareMs: 10_000, compileBudgetMs: 2000, maxProblems: 20, memoryLimitMb: 64, log: silentLog });
  });
  afterEach(() => pool.close());

  it('checks events against their schemas, sending each schema once', async () => {
    const verdicts = await pool.check([
      { owner: 'shop', id: '1', schema: priceIsNumber, data: { price: 3 } },
      { owner: 'shop', id: '1', schema: priceIsNumber, data: { price: 'free' } },
    ]);
    expect(verdicts).toEqual([
      { kind: 'checked', problems: [] },
      { kind: 'checked', problems: [{ path: 'data.price', message: 'must be number' }] },
    ]);
    expect(await pool.check([{ owner: 'shop', id: '1', schema: priceIsNumber, data: {} }])).toEqual([{ kind: 'checked', problems: [{ path: 'data.price', message: 'is required' }] }]);
  });

  it("reports a schema that refers to itself forever as that event's failure", async () => {
    const verdicts = await pool.check([
      { owner: 'shop', id: 'loop', schema: selfReferencingSchema, data: {} },
      { owner: 'shop', id: '1', schema: priceIsNumber, data: { price: 1 } },
    ]);
    expect(verdicts).toEqual([{ kind: 'failed', message: 'Maximum call stack size exceeded' }, { kind: 'checked', problems: [] }]);
  });

  it('stops a check over its budget without holding the event loop, skips the rest of its schema, and checks the others', async () => {
    let longestGapMs = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGapMs = Math.max(longestGapMs, now - last);
      last = now;
    }, 10);
    const started = performance.now();
    const verdicts = await pool.check([
      { owner: 'shop', id: '1', schema: priceIsNumber, data: { price: 1 } },
      { owner: 'shop', id: 'boom', schema: explodingSchema(32), data: {} },
      { owner: 'shop', id: 'boom', schema: explodingSchema(32), data: {} },
      { owner: 'shop', id: '1', schema: priceIsNumber, data: { price: 'x' } },
    ]);
    clearInterval(ticker);
    expect(verdicts).toEqual([
      { kind: 'checked', problems: [] },
      // past its time or its memory, whichever it reaches first
      expect.objectContaining({ kind: 'over-budget' }),
      { kind: 'not-run' },
      { kind: 'checked', problems: [{ path: 'data.price', message: 'must be number' }] },
    ]);
    // a check of this schema alone takes minutes; the pool gave up on it within seconds (thread start and compilation included)
    expect(performance.now() - started).toBeLessThan(8000);
    // generous bound: the point is that the main thread never waited on the check
    expect(longestGapMs).toBeLessThan(1000);
    // the replacement thread works
    expect(await pool.check([{ owner: 'shop', id: '1', schema: priceIsNumber, data: { price: 2 } }])).toEqual([{ kind: 'checked', problems: [] }]);
  });

  it('reports a check that runs out of memory as over budget, and goes on', async () => {
    // every item fails every branch, and ajv keeps the errors of every branch it tried
    const branches = Array.from({ length: 200 }, (_, index) => ({ type: 'object', required: [`field${index}`] }));
    const small = createSchemaPool({ budgetMs: 60_000, shareMs: 60_000, compileBudgetMs: 60_000, maxProblems: 20, memoryLimitMb: 16, log: silentLog });
    const verdicts = await small.check([
      { owner: 'shop', id: 'hungry', schema: { type: 'array', items: { anyOf: branches } }, data: Array.from({ length: 20_000 }, () => ({})) },
      { owner: 'shop', id: '1', schema: priceIsNumber, data: { price: 1 } },
    ]);
    await small.close();
    expect(verdicts).toEqual([{ kind: 'over-budget', elapsedMs: expect.any(Number), outOfMemory: true }, { kind: 'checked', problems: [] }]);
  });

  it("defers an application's checks beyond its share of the batch, over all its versions, each within budget, and checks the other applications' events", async () => {
    // each check takes some 10 ms, well within its 1 s budget; 30 of them take far more than the 50 ms share
    const shared = createSchemaPool({ budgetMs: 1000, shareMs: 50, compileBudgetMs: 5000, maxProblems: 20, memoryLimitMb: 64, log: silentLog });
    // two versions of one application, taking turns: the share is the application's, not each version's
    const costly = Array.from({ length: 30 }, (_, index) => ({ owner: 'hostile', id: `costly-${index % 2}`, schema: pairwiseSchema, data: pairwiseData(1000) }));
    // a third version whose first job, which carries its schema to the thread, comes after the share
    costly.push({ owner: 'hostile', id: 'late', schema: pairwiseSchema, data: pairwiseData(1000) });
    const cheap = Array.from({ length: 5 }, (_, index) => ({ owner: 'neighbour', id: 'cheap', schema: priceIsNumber, data: { price: index } }));
    const verdicts = await shared.check([...costly, ...cheap]);
    // the next batch starts a new share, and checks the late version with the schema it was sent
    const next = await shared.check([{ owner: 'hostile', id: 'late', schema: pairwiseSchema, data: pairwiseData(1000) }]);
    await shared.close();
    const kinds = verdicts.slice(0, 31).map((verdict) => verdict.kind);
    // some checked, then the rest deferred, whichever version: none over its budget
    expect(new Set(kinds)).toEqual(new Set(['checked', 'deferred']));
    expect(kinds).toEqual([...kinds].sort());
    expect(kinds.at(-1)).toBe('deferred');
    expect(verdicts.slice(31)).toEqual(cheap.map(() => ({ kind: 'checked', problems: [] })));
    expect(next).toEqual([{ kind: 'checked', problems: [] }]);
  });
});
