import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ArgusClient, ArgusRequestError, type ArgusClientOptions, type ArgusError } from '@argus/client';
import { eventually } from '@argus/shared/testing';
import { startStack, type TestStack } from './support/stack.js';

describe('@argus/client against the running service (api + worker, PostgreSQL, RabbitMQ)', () => {
  let stack: TestStack;
  let token: string;
  const clients: ArgusClient[] = [];

  beforeAll(async () => {
    stack = await startStack({ RETRY_AFTER_SECONDS: '1' });
    await stack.startWorker();
    ({ token } = await stack.tokenFor('shop'));
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  afterAll(() => stack.stop());

  /** A client of this stack; errors it reports are collected, and a fast retry policy unless told. */
  function clientOf(options: Partial<ArgusClientOptions> = {}) {
    const errors: ArgusError[] = [];
    const client = new ArgusClient({
      baseUrl: stack.baseUrl,
      token,
      retry: { initialDelayMs: 20, maxDelayMs: 200, maxAttempts: 1000 },
      onError: (error) => errors.push(error),
      ...options,
    });
    clients.push(client);
    return { client, errors };
  }

  /** A fetch that remembers when it was called and what it was answered. */
  function recordingFetch(change: (body: string) => string = (body) => body) {
    const calls: { at: number; status?: number }[] = [];
    const recording: typeof fetch = async (input, init) => {
      const call: { at: number; status?: number } = { at: Date.now() };
      calls.push(call);
      const response = await fetch(input, { ...init, body: change(String(init?.body)) });
      call.status = response.status;
      return response;
    };
    return { fetch: recording, calls };
  }

  const query = <T>(sql: string, parameters: unknown[]): Promise<T[]> => stack.database.db.query(sql, parameters);

  /** Waits until every id is stored as an event, then returns how many rows hold them. */
  async function stored(ids: string[]): Promise<number> {
    return eventually(async () => {
      const [row] = await query<{ rows: number; distinct_ids: number }>(
        'SELECT count(*)::int AS rows, count(DISTINCT id)::int AS distinct_ids FROM events WHERE id = ANY($1::uuid[])',
        [ids],
      );
      return row!.distinct_ids === new Set(ids).size ? row!.rows : undefined;
    }, 20_000, `${ids.length} events to be stored`);
  }

  const ctaClick = (sessionId: string, index: number, timestamp?: Date) => ({
    sessionId,
    category: 'page interaction' as const,
    name: 'cta click' as const,
    data: { host: 'shop.example.com', path: `/${index}`, element: 'buy' },
    timestamp,
  });

  it('stores 1,000 events tracked across sessions, each session in the order it was tracked', async () => {
    const { client, errors } = clientOf({ maxBatchEvents: 200 });
    const sessions = Array.from({ length: 10 }, () => randomUUID());
    const tracked = new Map<string, string[]>(sessions.map((session) => [session, []]));
    // a second apart: further than the server's per-batch skew correction can move an event
    const start = Date.now() - 2_000_000;
    for (let index = 0; index < 1000; index += 1) {
      const session = sessions[index % sessions.length]!;
      const timestamp = new Date(start + index * 1000);
      const id = index % 2 === 0
        ? client.track(ctaClick(session, index, timestamp))
        : client.track({ sessionId: session, category: 'form interaction', name: 'submit', data: { host: 'h', path: '/', form: { index } }, timestamp });
      tracked.get(session)!.push(id);
    }
    await client.flush();
    expect(client.stats).toMatchObject({ accepted: 1000, failed: 0, dropped: 0 });
    expect(errors).toEqual([]);

    const ids = [...tracked.values()].flat();
    expect(await stored(ids)).toBe(1000);
    const rows = await query<{ session_id: string; ids: string[] }>(
      'SELECT session_id::text, array_agg(id::text ORDER BY timestamp) AS ids FROM events WHERE session_id = ANY($1::uuid[]) GROUP BY session_id',
      [sessions],
    );
    expect(new Map(rows.map((row) => [row.session_id, row.ids]))).toEqual(tracked);
  });

  it('delivers every event exactly once when the api stops mid-stream and comes back on the same port', async () => {
    const { client, errors } = clientOf({ maxBatchEvents: 25, flushIntervalMs: 20 });
    const session = randomUUID();
    const ids: string[] = [];
    const trackSome = async (count: number) => {
      for (let index = 0; index < count; index += 1) {
        ids.push(client.track(ctaClick(session, ids.length)));
        if (index % 10 === 9) await sleep(5);
      }
    };

    await trackSome(100);
    await stack.stopApi();
    const requestsWhileUp = client.stats.requests;
    await trackSome(100);
    await eventually(async () => (client.stats.requests >= requestsWhileUp + 3 ? true : undefined), 10_000, 'the client to retry');
    await stack.startApi();
    await trackSome(100);
    await client.flush();

    expect(errors).toEqual([]);
    expect(client.stats).toMatchObject({ accepted: 300, failed: 0 });
    expect(await stored(ids)).toBe(300);
  });

  it("reports a 400 through onError with the server's message, and does not retry it", async () => {
    // spoils the first event id on its way, as a broken proxy might: the real api answers 400
    const { fetch, calls } = recordingFetch((body) => body.replace('"event_id":"', '"event_id":"x'));
    const { client, errors } = clientOf({ fetch });
    const id = client.track(ctaClick(randomUUID(), 0));
    await client.flush();
    await sleep(300); // a retry would have come after at most 20 ms

    expect(calls).toEqual([{ at: expect.any(Number), status: 400 }]);
    expect(errors).toHaveLength(1);
    const error = errors[0] as ArgusRequestError;
    expect(error).toBeInstanceOf(ArgusRequestError);
    expect(error).toMatchObject({ status: 400, eventIds: [id], server: { code: 'invalid_event_id', request_id: expect.any(String) } });
    expect(error.server.message).toContain('event_id must be a UUID');
    expect(client.stats).toMatchObject({ failed: 1, accepted: 0 });
  });

  it('reports the events it drops when its queue is full, and delivers the ones it kept', async () => {
    const dropped: string[] = [];
    const { client } = clientOf({ maxQueueEvents: 10, dropPolicy: 'oldest', onDrop: (drop) => dropped.push(...drop.eventIds) });
    const session = randomUUID();
    const ids = Array.from({ length: 25 }, (_, index) => client.track(ctaClick(session, index)));
    expect(dropped).toEqual(ids.slice(0, 15));
    expect(client.stats.dropped).toBe(15);
    await client.flush();
    expect(await stored(ids.slice(15))).toBe(10);
    expect(await query('SELECT id FROM events WHERE session_id = $1 AND id = ANY($2::uuid[])', [session, dropped])).toEqual([]);
  });

  // last: deleting the ingest queue takes it from under the worker too
  it("waits as long as a 503's Retry-After says, then delivers", async () => {
    await stack.deleteIngestQueue();
    const { fetch, calls } = recordingFetch();
    const { client, errors } = clientOf({ fetch });
    client.track(ctaClick(randomUUID(), 0));
    await client.flush();

    expect(calls.map((call) => call.status)).toEqual([503, 202]);
    // the api says Retry-After: 1; the client's own backoff would have come back within 20 ms
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(errors).toEqual([]);
    expect(client.stats).toMatchObject({ accepted: 1, requests: 2 });
  });
});
