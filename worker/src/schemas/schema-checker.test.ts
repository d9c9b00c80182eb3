import { createSchemaCatalog, type SchemaIndexRow } from './schema-catalog.js';
import { createSchemaChecker } from './schema-checker.js';
import type { PoolVerdict, SchemaPool } from './schema-pool.js';

const shop = '0b6a1f55-5a0e-4a8c-9a51-1d1c5b0c2a10';
const row = (id: string, name: string): SchemaIndexRow => ({ id, applicationId: shop, category: 'c', name, version: 1, active: true, suspendedReason: null });
const subject = (name: string, data: unknown = {}) => ({ applicationId: shop, category: 'c', name, data });

/** A pool that answers from a table by schema id, and remembers what it was asked. */
function fakePool(answers: Record<string, PoolVerdict>): Pick<SchemaPool, 'check'> & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    check: async (jobs) => jobs.map((job) => (asked.push(job.id), answers[job.id]!)),
  };
}

describe('the schema checker', () => {
  it('sends only events whose kind has a schema, and maps verdicts to problems with the version', async () => {
    const catalog = createSchemaCatalog();
    catalog.replace([row('1', 'ok'), row('2', 'loop')], new Map([['1', {}], ['2', {}]]));
    const pool = fakePool({ '1': { kind: 'checked', problems: [{ path: 'data.a', message: 'is required' }] }, '2': { kind: 'failed', message: 'Maximum call stack size exceeded' } });
    const checks = await createSchemaChecker({ catalog, pool, budgetMs: 50 }).check([subject('ok'), subject('none'), subject('loop')]);
    expect(pool.asked).toEqual(['1', '2']);
    expect(checks).toEqual([
      { problems: [{ path: 'data.a', message: 'is required' }], version: 1 },
      { problems: [], version: null },
      { problems: [{ path: 'data', message: "cannot be checked against version 1 of this kind's schema: Maximum call stack size exceeded" }], version: 1 },
    ]);
  });

  it('suspends a version that ran over budget, says so, and refuses its later events without sending them', async () => {
    const catalog = createSchemaCatalog();
    catalog.replace([row('9', 'boom')], new Map([['9', {}]]));
    const pool = fakePool({ '9': { kind: 'over-budget', elapsedMs: 60 } });
    const suspended: string[] = [];
    const checker = createSchemaChecker({ catalog, pool, budgetMs: 50, onSuspended: (id, reason) => suspended.push(`${id}: ${reason}`), now: () => new Date('2026-01-01T00:00:00Z') });
    const [first] = await checker.check([subject('boom')]);
    expect(first).toEqual({
      problems: [{ path: 'schema_version', message: "version 1 of this kind's schema exceeded 50 ms checking this event; the check was stopped and the version suspended" }],
      version: 1,
    });
    expect(suspended).toEqual(['9: a check exceeded 50 ms at 2026-01-01T00:00:00.000Z']);
    const [later] = await checker.check([subject('boom')]);
    expect(later!.problems[0]!.message).toMatch(/is suspended \(a check exceeded 50 ms at 2026-01-01T00:00:00.000Z\)/);
    expect(pool.asked).toEqual(['9']);
  });
});
