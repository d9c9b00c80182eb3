import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import amqp from 'amqplib';
import { encodeIngestMessage, encodeIngestRequest, type ServiceProcess } from '@argus/shared';
import { eventually } from '@argus/shared/testing';
import { sampleEvent, startStack, type TestStack } from './support/stack.js';

type Accepted = { accepted: number; ids: string[] };

describe('the ingestion pipeline: api → broker → worker → PostgreSQL', () => {
  let stack: TestStack;
  let token: string;
  let applicationId: string;
  let worker: ServiceProcess;
  const workerEnv = { DB_RETRY_INITIAL_MS: '50', DB_RETRY_MAX_MS: '200', STOP_GRACE_MS: '200' };

  beforeAll(async () => {
    stack = await startStack();
    worker = await stack.startWorker(workerEnv);
    ({ token, applicationId } = await stack.tokenFor('shop'));
  });
  afterAll(() => stack.stop());

  const query = <T = Record<string, unknown>>(sql: string, parameters: unknown[] = []): Promise<T[]> => stack.database.db.query(sql, parameters);

  async function accept(body: unknown, withToken = token): Promise<string[]> {
    const response = await stack.post(body, { token: withToken });
    expect(response.status).toBe(202);
    return ((await response.json()) as Accepted).ids;
  }

  /** Waits until every id is in events or event_errors, then returns how often each table holds it. */
  async function settled(ids: string[]) {
    return eventually(async () => {
      const rows = await query<{ id: string; place: string }>(
        `SELECT id::text, 'event' AS place FROM events WHERE id = ANY($1::uuid[])
         UNION ALL SELECT event_id::text, 'error' FROM event_errors WHERE event_id = ANY($1::uuid[])`,
        [ids],
      );
      return new Set(rows.map((row) => row.id)).size === new Set(ids).size ? rows : undefined;
    }, 10_000, `${ids.length} events to be stored`);
  }

  it('stores an accepted event with every field', async () => {
    const event = sampleEvent({ session_id: randomUUID() });
    const [id] = await accept(event);
    await settled([id!]);
    const [row] = await query(
      `SELECT application_id, session_id, category, name, data, to_char(timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS ts,
              client_timestamp = timestamp AS same_clock, sent_at, received_at, stored_at >= received_at AS in_order, request_id
       FROM events WHERE id = $1`,
      [id],
    );
    expect(row).toMatchObject({
      application_id: applicationId,
      session_id: event.session_id,
      category: 'page interaction',
      name: 'cta click',
      data: event.data,
      ts: '2023-01-01 09:15:27.243860',
      same_clock: true,
      sent_at: null,
      in_order: true,
      request_id: expect.any(String),
    });
    const [session] = await query('SELECT application_id FROM sessions WHERE id = $1', [event.session_id]);
    expect(session).toEqual({ application_id: applicationId });
  });

  it('stores every event of a batch exactly once', async () => {
    const session = randomUUID();
    const ids = await accept(Array.from({ length: 300 }, (_, index) => sampleEvent({ session_id: session, data: { host: 'h', path: `/${index}`, element: 'e' } })));
    const rows = await settled(ids);
    expect(rows).toHaveLength(300);
    expect(rows.every((row) => row.place === 'event')).toBe(true);
  });

  it('keeps one row when the same event_id arrives twice, or a message is delivered twice', async () => {
    const event = sampleEvent({ event_id: randomUUID() });
    await accept(event);
    await accept(event);
    const receivedAt = new Date().toISOString();
    const redelivered = encodeIngestRequest({ application_id: applicationId, request_id: 'redelivered', received_at: receivedAt }, [
      { id: event.event_id, json: JSON.stringify(event) },
    ]);
    // each delivery carries a marker: once a marker is stored, the transaction holding its copy committed
    const markers = [randomUUID(), randomUUID()];
    for (const marker of markers) {
      const markerRequest = encodeIngestRequest({ application_id: applicationId, request_id: 'marker', received_at: receivedAt }, [
        { id: marker, json: JSON.stringify(sampleEvent({ event_id: marker })) },
      ]);
      await publishRaw(encodeIngestMessage([redelivered, markerRequest]));
    }
    await settled(markers);
    expect(await query('SELECT id FROM events WHERE id = $1', [event.event_id])).toHaveLength(1);
    expect(await query('SELECT id FROM event_errors WHERE event_id = $1', [event.event_id])).toEqual([]);
  });

  it('files each request of a shared message under its own application and request id', async () => {
    const { applicationId: otherId } = await stack.tokenFor('neighbour');
    const first = sampleEvent({ event_id: randomUUID(), session_id: randomUUID() });
    const second = sampleEvent({ event_id: randomUUID(), session_id: randomUUID() });
    const receivedAt = new Date().toISOString();
    await publishRaw(
      encodeIngestMessage([
        encodeIngestRequest({ application_id: applicationId, request_id: 'first', received_at: receivedAt }, [{ id: first.event_id, json: JSON.stringify(first) }]),
        encodeIngestRequest({ application_id: otherId, request_id: 'second', received_at: receivedAt }, [{ id: second.event_id, json: JSON.stringify(second) }]),
      ]),
    );
    await settled([first.event_id, second.event_id]);
    const rows = await query('SELECT id, application_id, request_id FROM events WHERE id = ANY($1::uuid[]) ORDER BY request_id', [[first.event_id, second.event_id]]);
    expect(rows).toEqual([
      { id: first.event_id, application_id: applicationId, request_id: 'first' },
      { id: second.event_id, application_id: otherId, request_id: 'second' },
    ]);
  });

  it('shares messages between concurrent requests and stores every event under its own request', async () => {
    const session = randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, index) => stack.post(sampleEvent({ session_id: session, data: { host: 'h', path: `/${index}`, element: 'e' } }), { token, headers: { 'X-Request-Id': `concurrent-${index}` } })),
    );
    const ids = await Promise.all(responses.map(async (response) => ((await response.json()) as Accepted).ids[0]!));
    await settled(ids);
    const rows = await query<{ request_id: string; n: string }>('SELECT request_id, count(*) AS n FROM events WHERE id = ANY($1::uuid[]) GROUP BY request_id', [ids]);
    expect(rows).toHaveLength(200);
    expect(rows.every((row) => row.request_id.startsWith('concurrent-') && row.n === '1')).toBe(true);
  });

  it('keeps an invalid event whole in event_errors, with every reason', async () => {
    const invalid = sampleEvent({ session_id: 'not-a-session', data: { host: 'h', path: '/' }, extra: 1 });
    const [id] = await accept(invalid);
    const rows = await settled([id!]);
    expect(rows).toEqual([{ id, place: 'error' }]);
    const [error] = await query<{ raw: unknown; reasons: { path: string }[] }>('SELECT raw, reasons FROM event_errors WHERE event_id = $1', [id]);
    expect(error!.raw).toEqual(invalid);
    expect(error!.reasons.map((reason) => reason.path).sort()).toEqual(['', 'data.element', 'session_id']);
  });

  it("names a missing kind field, such as a cta click's element", async () => {
    const [id] = await accept(sampleEvent({ data: { host: 'h', path: '/' } }));
    await settled([id!]);
    const [error] = await query<{ reasons: unknown }>('SELECT reasons FROM event_errors WHERE event_id = $1', [id]);
    expect(error!.reasons).toEqual([{ path: 'data.element', message: expect.any(String) }]);
  });

  it('refuses a timestamp in the future', async () => {
    const [id] = await accept(sampleEvent({ timestamp: new Date(Date.now() + 3_600_000).toISOString() }));
    await settled([id!]);
    const [error] = await query<{ reasons: { path: string; message: string }[] }>('SELECT reasons FROM event_errors WHERE event_id = $1', [id]);
    expect(error!.reasons).toEqual([{ path: 'timestamp', message: expect.stringContaining('in the future') }]);
  });

  it("corrects the client's clock skew with sent_at and keeps the client's timestamp beside it", async () => {
    const [id] = await accept({
      batch: [sampleEvent({ timestamp: '2030-01-01T00:00:00Z' })],
      sent_at: '2030-01-01T00:00:10Z',
    });
    await settled([id!]);
    const [row] = await query<{ skew_ms: number; client: string; sent: string }>(
      `SELECT extract(epoch FROM received_at - timestamp) * 1000 AS skew_ms,
              to_char(client_timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS client,
              to_char(sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS sent
       FROM events WHERE id = $1`,
      [id],
    );
    expect(Number(row!.skew_ms)).toBeCloseTo(10_000, 0);
    expect(row).toMatchObject({ client: '2030-01-01 00:00:00', sent: '2030-01-01 00:00:10' });
  });

  it("files an event under errors when its session belongs to another application", async () => {
    const session = randomUUID();
    await settled(await accept(sampleEvent({ session_id: session })));
    const { token: other } = await stack.tokenFor('other-shop');
    const [id] = await accept(sampleEvent({ session_id: session }), other);
    expect(await settled([id!])).toEqual([{ id, place: 'error' }]);
    const [error] = await query<{ reasons: unknown }>('SELECT reasons FROM event_errors WHERE event_id = $1', [id]);
    expect(error!.reasons).toEqual([{ path: 'session_id', message: 'this session belongs to another application' }]);
  });

  it("keeps an event whose event_id another application's event already has", async () => {
    const eventId = randomUUID();
    await settled(await accept(sampleEvent({ event_id: eventId })));
    const { token: other, applicationId: otherId } = await stack.tokenFor('copycat');
    await accept(sampleEvent({ event_id: eventId, session_id: randomUUID() }), other);
    const error = await eventually(async () => (await query('SELECT reasons FROM event_errors WHERE event_id = $1 AND application_id = $2', [eventId, otherId]))[0]);
    expect(error).toEqual({ reasons: [{ path: 'event_id', message: "another application's event already has this id" }] });
  });

  it('stores text the database cannot hold (NUL) as an error with a storable copy', async () => {
    const [id] = await accept(sampleEvent({ data: { host: 'h\u0000', path: '/', element: 'e' } }));
    await settled([id!]);
    const [error] = await query<{ raw: { data: { host: string } }; reasons: unknown }>('SELECT raw, reasons FROM event_errors WHERE event_id = $1', [id]);
    expect(error!.raw.data.host).toBe('h\uFFFD');
    expect(error!.reasons).toEqual([{ path: 'data.host', message: expect.stringContaining('NUL') }]);
  });

  it('dead-letters a message that is not an ingest message, and goes on with the next', async () => {
    await publishRaw(Buffer.from('this is not JSON'));
    const ids = await accept(sampleEvent());
    await settled(ids);
    const connection = await amqp.connect(stack.broker.url);
    try {
      const channel = await connection.createChannel();
      const dead = await eventually(async () => (await channel.get(stack.broker.topology.deadLetterQueue, { noAck: true })) || undefined);
      expect(dead.content.toString()).toBe('this is not JSON');
    } finally {
      await connection.close();
    }
  });

  it('acks nothing while the database fails: a worker stopped meanwhile leaves the batch to its successor', async () => {
    await query('ALTER TABLE events RENAME TO events_away');
    let ids: string[];
    try {
      ids = await accept([sampleEvent(), sampleEvent({ name: 'pageview' })]);
      await sleep(300); // the worker is retrying by now
      await worker.stop();
      expect(await query('SELECT event_id FROM event_errors WHERE event_id = ANY($1::uuid[])', [ids])).toEqual([]);
    } finally {
      await query('ALTER TABLE events_away RENAME TO events');
    }
    worker = await stack.startWorker(workerEnv);
    const rows = await settled(ids);
    expect(rows.map((row) => row.place)).toEqual(['event', 'event']);
  });

  async function publishRaw(content: Buffer): Promise<void> {
    const connection = await amqp.connect(stack.broker.url);
    try {
      const channel = await connection.createConfirmChannel();
      channel.publish(stack.broker.topology.ingestExchange, stack.broker.topology.ingestRoutingKey, content, { persistent: true });
      await channel.waitForConfirms();
    } finally {
      await connection.close();
    }
  }

});
