import { randomUUID } from 'node:crypto';
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import fc from 'fast-check';
import { encodeIngestMessage, encodeIngestRequest, type TokenScope } from '@argus/shared';
import { eventually } from '@argus/shared/testing';
import { explodingSchema, pairwiseData, pairwiseSchema, selfReferencingSchema } from '../worker/src/schemas/hostile-schemas.js';
import { sampleEvent, startStack, type TestStack } from './support/stack.js';

type Sent = { id: string; raw: unknown };
type Tenant = { token: string; applicationId: string };

/**
 * One event's fate depends on that event alone. Each test puts a hostile application's events in the
 * same broker messages as another application's valid ones, as the api does under load, and checks
 * that the valid ones are all stored exactly once, promptly, that the hostile ones are kept in
 * event_errors with their reasons, and that nothing reaches the dead-letter queue.
 */
describe('isolation between applications in the worker', () => {
  let stack: TestStack;
  let connection: ChannelModel;
  let channel: ConfirmChannel;
  let hostile: Tenant;
  let neighbour: Tenant;
  let worker: { metricsUrl: string };

  beforeAll(async () => {
    stack = await startStack({ REVOCATION_REFRESH_MS: '200' });
    // a budget with room for a busy test machine: what is checked is what happens past it
    worker = await stack.startWorker({ SCHEMA_REFRESH_MS: '200', SCHEMA_CHECK_BUDGET_MS: '500', SCHEMA_BATCH_SHARE_MS: '250' });
    hostile = await stack.tokenFor('hostile', ['write', 'schema', 'read'] as TokenScope[]);
    neighbour = await stack.tokenFor('neighbour', ['write', 'read'] as TokenScope[]);
    connection = await amqp.connect(stack.broker.url);
    channel = await connection.createConfirmChannel();
  });
  afterAll(async () => {
    await connection.close();
    await stack.stop();
  });

  const valid = (extra: Record<string, unknown> = {}) => sampleEvent({ session_id: randomUUID(), ...extra });
  const sent = (raw: unknown, id = randomUUID()): Sent => ({ id, raw });

  /** Publishes one ingest message holding a request of each application, as the api packs concurrent requests. */
  async function publishTogether(requests: { tenant: Tenant; events: Sent[]; receivedAt?: string }[]): Promise<void> {
    const content = encodeIngestMessage(
      requests.map(({ tenant, events, receivedAt }) =>
        encodeIngestRequest(
          { application_id: tenant.applicationId, request_id: randomUUID(), received_at: receivedAt ?? new Date().toISOString() },
          events.map((event) => ({ id: event.id, json: JSON.stringify(event.raw) })),
        ),
      ),
    );
    channel.publish(stack.broker.topology.ingestExchange, stack.broker.topology.ingestRoutingKey, content, { persistent: true });
    await channel.waitForConfirms();
  }

  const where = async (ids: string[]) =>
    (await stack.database.db.query(
      `SELECT id::text AS id, 'event' AS place, NULL::jsonb AS reasons FROM events WHERE id = ANY($1::uuid[])
       UNION ALL SELECT event_id::text, 'error', reasons FROM event_errors WHERE event_id = ANY($1::uuid[])`,
      [ids],
    )) as { id: string; place: 'event' | 'error'; reasons: { path: string; message: string }[] | null }[];

  /** Waits until each id is in one table, then returns where: every id once, never in both. */
  async function settled(ids: string[], timeoutMs = 15_000) {
    const rows = await eventually(async () => {
      const found = await where(ids);
      return new Set(found.map((row) => row.id)).size === ids.length ? found : undefined;
    }, timeoutMs, `${ids.length} events to settle`);
    expect(rows).toHaveLength(ids.length);
    return new Map(rows.map((row) => [row.id, row]));
  }

  const deadLettered = async () => (await channel.checkQueue(stack.broker.topology.deadLetterQueue)).messageCount;

  async function expectNeighboursStoredAndHostileKept(hostileEvents: Sent[], neighbourEvents: Sent[], reason: RegExp, timeoutMs?: number) {
    const fate = await settled([...hostileEvents, ...neighbourEvents].map((event) => event.id), timeoutMs);
    for (const event of neighbourEvents) expect(fate.get(event.id)?.place).toBe('event');
    for (const event of hostileEvents) {
      expect(fate.get(event.id)?.place).toBe('error');
      expect(JSON.stringify(fate.get(event.id)?.reasons)).toMatch(reason);
    }
    expect(await deadLettered()).toBe(0);
  }

  it("stores the neighbour's events once when another application's timestamps are beyond what PostgreSQL holds", async () => {
    const outOfRange = [
      sent(valid({ timestamp: '0000-01-01 00:00:00' })),
      sent(valid({ timestamp: '9999-12-31T23:59:59-14:00', sent_at: '9999-12-31T23:59:59-14:00' })),
      sent(valid({ timestamp: '0001-01-01 00:00:00', sent_at: '9999-12-31 00:00:00' })),
    ];
    const neighbours = Array.from({ length: 20 }, () => sent(valid()));
    await publishTogether([
      { tenant: hostile, events: outOfRange },
      { tenant: neighbour, events: neighbours },
    ]);
    await expectNeighboursStoredAndHostileKept(outOfRange, neighbours, /timestamp/);
  });

  it('answers 202 to a request mixing a year-0000 event with a valid one, and stores the valid one', async () => {
    const response = await stack.post([valid({ timestamp: '0000-01-01 00:00:00' }), valid()], { token: hostile.token });
    expect(response.status).toBe(202);
    const [bad, good] = ((await response.json()) as { ids: string[] }).ids;
    const fate = await settled([bad!, good!]);
    expect([fate.get(bad!)?.place, fate.get(good!)?.place]).toEqual(['error', 'event']);
  });

  const register = (path: string, schema: unknown) =>
    fetch(`${stack.baseUrl}/schemas/${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${hostile.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ schema }),
    });
  const ofKind = (category: string, data: Record<string, unknown> = {}) => valid({ category, name: 'k', data });

  it("holds the neighbour's events no longer than the other application's share of the batch when each of its checks takes just under the budget, over as many kinds as it registers", async () => {
    // some 40 ms per check (more on a busy machine), under the 500 ms budget: never suspended; ten kinds
    // of it, so that a share per version would give the application ten shares of each batch
    const kinds = Array.from({ length: 10 }, (_, index) => `heavy${index}`);
    for (const kind of kinds) expect((await register(`${kind}/k`, pairwiseSchema)).status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 600));
    const heavy = Array.from({ length: 80 }, (_, index) => sent(ofKind(kinds[index % kinds.length]!, pairwiseData(2000))));
    const neighbours = Array.from({ length: 20 }, () => sent(valid()));
    const started = Date.now();
    await publishTogether([
      { tenant: hostile, events: heavy },
      { tenant: neighbour, events: neighbours },
    ]);
    // checked in one batch, the 80 would hold it for three seconds or more; the application's share is a quarter of one
    const fate = await settled(neighbours.map((event) => event.id), 2000);
    expect([...fate.values()].every((row) => row.place === 'event')).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
    // the rest, sent back to the queue, is checked in later batches: every event stored
    const later = await settled(heavy.map((event) => event.id), 60_000);
    expect([...later.values()].filter((row) => row.place !== "event").map((row) => row.reasons)).toEqual([]);
    const suspended = await stack.database.db.query(`SELECT category FROM event_schemas WHERE category LIKE 'heavy%' AND suspended_at IS NOT NULL`);
    expect(suspended).toEqual([]);
    expect(await (await fetch(worker.metricsUrl)).text()).toMatch(/^argus_worker_events_deferred_total [1-9]/m);
  });

  it("stores the neighbour's events once when another application's schema refers to itself forever", async () => {
    expect((await register('loop/k', selfReferencingSchema)).status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 600)); // the worker's schema refresh
    const looping = Array.from({ length: 5 }, () => sent(ofKind('loop')));
    const neighbours = Array.from({ length: 20 }, () => sent(valid()));
    await publishTogether([
      { tenant: hostile, events: looping },
      { tenant: neighbour, events: neighbours },
    ]);
    await expectNeighboursStoredAndHostileKept(looping, neighbours, /Maximum call stack size exceeded|suspended/);
  });

  it("stores the neighbour's events promptly when another application's schema explodes, and suspends that version", async () => {
    expect((await register('boom/k', explodingSchema(28))).status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 600));
    const exploding = Array.from({ length: 24 }, () => sent(ofKind('boom')));
    const neighbours = Array.from({ length: 20 }, () => sent(valid()));
    const started = Date.now();
    await publishTogether([
      { tenant: hostile, events: exploding },
      { tenant: neighbour, events: neighbours },
    ]);
    // one such event alone takes seconds to check; all 24 would take minutes
    // whichever bound the check reaches first, its time or its thread's memory, stops it
    await expectNeighboursStoredAndHostileKept(exploding, neighbours, /exceeded 500 ms|ran out of memory|suspended/, 10_000);
    expect(Date.now() - started).toBeLessThan(10_000);
    const [schema] = await stack.database.db.query(`SELECT suspended_reason FROM event_schemas WHERE category = 'boom'`);
    expect(schema.suspended_reason).toMatch(/^a check (exceeded 500 ms|ran out of memory) at /);
    // and the next message of that kind is refused at once, with the reason
    const later = sent(ofKind('boom'));
    await publishTogether([{ tenant: hostile, events: [later] }]);
    expect(JSON.stringify((await settled([later.id])).get(later.id)?.reasons)).toMatch(/is suspended \(a check (exceeded 500 ms|ran out of memory)/);
    // an operator who activates the version again lifts the suspension
    const activated = await fetch(`${stack.baseUrl}/schemas/boom/k/versions/1/activate`, { method: 'POST', headers: { Authorization: `Bearer ${hostile.token}` } });
    expect(activated.status).toBe(200);
    const [lifted] = await stack.database.db.query(`SELECT suspended_at FROM event_schemas WHERE category = 'boom'`);
    expect(lifted.suspended_at).toBeNull();
  });

  it('keeps reasons bounded whatever the schema and the data', async () => {
    const codes = Array.from({ length: 5000 }, (_, index) => `code-${index}`);
    expect((await register('enum/k', { type: 'object', properties: { items: { type: 'array', items: { enum: codes } } } })).status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 600));
    const events = Array.from({ length: 50 }, () => sent(ofKind('enum', { items: Array.from({ length: 25 }, (_, index) => `bad-${index}`) })));
    await publishTogether([{ tenant: hostile, events }]);
    const fate = await settled(events.map((event) => event.id));
    for (const row of fate.values()) {
      expect(row.reasons!.length).toBeLessThanOrEqual(20);
      expect(row.reasons![0]).toEqual({ path: 'data.items.0', message: 'must be one of 5,000 allowed values' });
    }
    const [{ bytes }] = await stack.database.db.query(`SELECT sum(pg_column_size(reasons))::int AS bytes FROM event_errors WHERE event_id = ANY($1::uuid[])`, [
      events.map((event) => event.id),
    ]);
    expect(bytes).toBeLessThan(200_000);
    const page = await fetch(`${stack.baseUrl}/events/errors?limit=100`, { headers: { Authorization: `Bearer ${hostile.token}` } });
    expect((await page.text()).length).toBeLessThan(1_000_000);
  });

  it('keeps an event id in one table: a valid retry of an event kept as invalid is not stored beside it', async () => {
    const id = randomUUID();
    const firstReceived = new Date();
    const event = valid({ timestamp: new Date(firstReceived.getTime() + 65_000).toISOString() });
    await publishTogether([{ tenant: neighbour, events: [sent(event, id)], receivedAt: firstReceived.toISOString() }]);
    expect((await settled([id])).get(id)?.place).toBe('error');
    // the same bytes 8 s later: now within the clock allowance
    await publishTogether([{ tenant: neighbour, events: [sent(event, id)], receivedAt: new Date(firstReceived.getTime() + 8_000).toISOString() }]);
    const marker = sent(valid());
    await publishTogether([{ tenant: neighbour, events: [marker] }]);
    await settled([marker.id]);
    expect((await where([id])).map((row) => row.place)).toEqual(['error']);
  });

  it("refuses a deleted application's token, and stores the neighbours of what it sent before", async () => {
    const doomed = await stack.tokenFor('doomed');
    expect((await stack.post(valid(), { token: doomed.token })).status).toBe(202);
    const orphans = [sent(valid())];
    const neighbours = Array.from({ length: 5 }, () => sent(valid()));
    await stack.database.db.query('DELETE FROM applications WHERE id = $1', [doomed.applicationId]);
    await publishTogether([
      { tenant: doomed, events: orphans },
      { tenant: neighbour, events: neighbours },
    ]);
    const fate = await settled(neighbours.map((event) => event.id));
    expect([...fate.values()].every((row) => row.place === 'event')).toBe(true);
    expect(await where(orphans.map((event) => event.id))).toEqual([]);
    expect(await deadLettered()).toBe(0);
    await eventually(async () => ((await stack.post(valid(), { token: doomed.token })).status === 401 ? true : undefined), 5000, 'the deleted application to be refused');
  });

  it('stores data as sent, every key and number, and refuses numbers it could not keep', async () => {
    const refused = await stack.post(`{"session_id":"${randomUUID()}","category":"c","name":"n","timestamp":"2023-01-01 00:00:00","data":{"n":1e400}}`, {
      token: neighbour.token,
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('inexact_number');
    const body = `{"session_id":"${randomUUID()}","category":"c","name":"n","timestamp":"2023-01-01 00:00:00","data":{"__proto__":{"a":1},"constructor":0.1,"big":9007199254740991,"tiny":5e-324}}`;
    const response = await stack.post(body, { token: neighbour.token });
    const [id] = ((await response.json()) as { ids: string[] }).ids;
    await settled([id!]);
    const [{ data }] = await stack.database.db.query('SELECT data::text AS data FROM events WHERE id = $1', [id]);
    expect(JSON.parse(data)).toEqual(JSON.parse('{"__proto__":{"a":1},"constructor":0.1,"big":9007199254740991,"tiny":5e-324}'));
    expect(Object.keys(JSON.parse(data))).toContain('__proto__');
  });

  it('decides each event alone in random mixes of valid and hostile events from two applications', async () => {
    const hostileEvent = fc.oneof(
      fc.constant(valid({ timestamp: '0000-01-01 00:00:00' })),
      fc.constant(valid({ timestamp: '0001-01-01 00:00:00', sent_at: '9999-12-31 00:00:00' })),
      fc.constant(valid({ category: 'loop', name: 'k' })),
      fc.constant(valid({ data: { text: 'nul \u0000' } })),
      fc.constant(valid({ data: JSON.parse('{"s": "\\udc00"}') })),
      fc.constant(valid({ data: JSON.parse(`{"deep": ${'['.repeat(40)}${']'.repeat(40)}}`) })),
      fc.constant(valid({ session_id: '00000000-0000-0000-0000-000000000000', data: { big: 1e308 } })),
      fc.jsonValue({ maxDepth: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ hostile: fc.boolean(), event: hostileEvent }), { minLength: 1, maxLength: 12 }), async (entries) => {
        const built = entries.map((entry) => ({ hostile: entry.hostile, event: sent(entry.hostile ? entry.event : valid()) }));
        await publishTogether([
          { tenant: hostile, events: built.filter((entry) => entry.hostile).map((entry) => entry.event) },
          { tenant: neighbour, events: built.filter((entry) => !entry.hostile).map((entry) => entry.event) },
        ]);
        const fate = await settled(built.map((entry) => entry.event.id));
        for (const entry of built) if (!entry.hostile) expect(fate.get(entry.event.id)?.place).toBe('event');
        expect(await deadLettered()).toBe(0);
      }),
      { numRuns: 8 },
    );
  });
});
