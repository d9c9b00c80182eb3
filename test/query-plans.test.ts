import { createTestDatabase, type TestDatabase } from '@argus/shared/testing';
import { eventErrorListSql, eventListSql, type Sql } from '../api/src/query/event-reads.js';
import type { EventQuery } from '../api/src/query/parse-filters.js';

type PlanNode = { 'Node Type': string; 'Index Name'?: string; Plans?: PlanNode[] };

const indexNodes = new Set(['Index Scan', 'Index Only Scan', 'Bitmap Index Scan']);

/** Every way the plan reads a table: an index name, or "Seq Scan". */
function tableReads(node: PlanNode): string[] {
  const own = indexNodes.has(node['Node Type']) && node['Index Name'] ? [node['Index Name']] : node['Node Type'] === 'Seq Scan' ? ['Seq Scan'] : [];
  return [...own, ...(node.Plans ?? []).flatMap(tableReads)];
}

// The shop owns most rows, so walking the time index and skipping the other application's rows is
// as good as the per-application one: either is an ordered index scan that stops after one page.
const inTimeOrder = ['events_application_timestamp_idx', 'events_timestamp_idx'];

/**
 * The reads of GET /events and /events/errors, planned on 100k events of one application (and more
 * of another): each filter must reach its rows through an index, never a scan of the whole table.
 */
describe('query plans on a table of 100k+ events', () => {
  let database: TestDatabase;
  const shop = '00000000-0000-4000-8000-000000000001';
  const other = '00000000-0000-4000-8000-000000000002';
  const session = '10000000-0000-4000-8000-000000000007';

  beforeAll(async () => {
    database = await createTestDatabase();
    const db = database.db;
    await db.query(`INSERT INTO applications (id, name, email) VALUES ($1, 'shop', 'a@x.com'), ($2, 'other', 'b@x.com')`, [shop, other]);
    // session i belongs to the shop for i ≤ 2000, to the other application beyond
    await db.query(`
      INSERT INTO sessions (id, application_id, first_seen_at)
      SELECT ('10000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, CASE WHEN i <= 2000 THEN $1 ELSE $2 END::uuid, now()
      FROM generate_series(1, 2500) AS i`, [shop, other]);
    await db.query(`
      INSERT INTO events (id, application_id, session_id, category, name, data, timestamp, client_timestamp, received_at, request_id, user_id, anonymous_id)
      SELECT gen_random_uuid(), CASE WHEN s <= 2000 THEN $1 ELSE $2 END::uuid,
             ('10000000-0000-4000-8000-' || lpad(s::text, 12, '0'))::uuid,
             'category ' || (i % 8), 'name ' || (i % 40),
             jsonb_build_object('email', 'user' || (i % 20000) || '@example.com', 'environment', CASE WHEN i % 2 = 0 THEN 'production' ELSE 'staging' END,
                                'user', jsonb_build_object('id', i % 50000), 'host', 'example.com'),
             ts, ts, ts, 'req-' || i,
             CASE WHEN i % 3 = 0 THEN 'user-' || (i % 5000) END, 'visitor-' || (i % 20000)
      FROM generate_series(1, 125000) AS i,
           LATERAL (SELECT 1 + (i * 7919) % 2500 AS s, timestamptz '2023-01-01' + i * interval '1 minute' AS ts) AS derived`, [shop, other]);
    await db.query(`
      INSERT INTO event_errors (event_id, application_id, raw, reasons, received_at, request_id)
      SELECT gen_random_uuid(), $1::uuid,
             jsonb_build_object('session_id', '10000000-0000-4000-8000-' || lpad((1 + i % 2000)::text, 12, '0'), 'category', 'category ' || (i % 8),
                                'name', 'name ' || (i % 40), 'data', jsonb_build_object('email', 'user' || i || '@example.com')),
             '[{"path": "data.element", "message": "required"}]', timestamptz '2023-01-01' + i * interval '1 minute', 'req-' || i
      FROM generate_series(1, 30000) AS i`, [shop]);
    await db.query('ANALYZE');
  }, 60_000);
  afterAll(() => database.drop());

  const shopQuery = (filters: Partial<EventQuery> = {}): EventQuery => ({ applicationId: shop, data: [], limit: 100, ...filters });

  /** Checks that the plan reads only through indexes, one of them among `expected`. */
  async function expectIndexScan({ sql, values }: Sql, expected: string[]): Promise<void> {
    const [row] = await database.db.query(`EXPLAIN (FORMAT JSON) ${sql}`, values);
    const reads = tableReads((row['QUERY PLAN'] as { Plan: PlanNode }[])[0]!.Plan);
    expect(reads).not.toContain('Seq Scan');
    expect(reads.filter((read) => expected.includes(read))).not.toEqual([]);
  }

  it('holds at least 100k events', async () => {
    const [row] = await database.db.query('SELECT count(*)::int AS n FROM events');
    expect(row.n).toBeGreaterThanOrEqual(100_000);
  });

  it.each([
    ['no filter', shopQuery(), inTimeOrder],
    ['session_id', shopQuery({ sessionId: session }), ['events_session_timestamp_idx']],
    ['category', shopQuery({ category: 'category 3' }), ['events_application_kind_timestamp_idx', ...inTimeOrder]],
    ['category and name', shopQuery({ category: 'category 3', name: 'name 11' }), ['events_application_kind_timestamp_idx']],
    ['name', shopQuery({ name: 'name 11' }), ['events_application_kind_timestamp_idx', ...inTimeOrder]],
    ['from and to', shopQuery({ from: '2023-03-01T00:00:00Z', to: '2023-03-02T00:00:00Z' }), inTimeOrder],
    ['user_id', shopQuery({ userId: 'user-42' }), ['events_application_user_timestamp_idx']],
    ['anonymous_id', shopQuery({ anonymousId: 'visitor-42' }), ['events_application_anonymous_timestamp_idx']],
    ['a cursor', shopQuery({ after: { time: '2023-02-01T00:00:00.000000Z', id: '00000000-0000-4000-8000-000000000000' } }), inTimeOrder],
    ['data.email', shopQuery({ data: [{ path: ['email'], value: 'user42@example.com' }] }), ['events_data_idx']],
    ['data.user.id (a number too)', shopQuery({ data: [{ path: ['user', 'id'], value: '4242' }] }), ['events_data_idx']],
    ['every application (admin)', shopQuery({ applicationId: undefined }), ['events_timestamp_idx']],
  ])('GET /events with %s reads through an index', async (_label, query, indexes) => {
    await expectIndexScan(eventListSql(query), indexes);
  });

  it.each([
    ['no filter', shopQuery(), ['event_errors_application_received_idx', 'event_errors_received_idx']],
    ['data.email', shopQuery({ data: [{ path: ['email'], value: 'user42@example.com' }] }), ['event_errors_raw_idx']],
    ['session_id', shopQuery({ sessionId: session }), ['event_errors_raw_idx']],
    ['user_id', shopQuery({ userId: 'user-42' }), ['event_errors_raw_idx']],
  ])('GET /events/errors with %s reads through an index', async (_label, query, indexes) => {
    await expectIndexScan(eventErrorListSql(query), indexes);
  });
});
