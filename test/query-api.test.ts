import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { eventually } from '@argus/shared/testing';
import { sampleEvent, startStack, type TestStack } from './support/stack.js';

type StoredEvent = { id: string; session_id: string; category: string; name: string; data: Record<string, unknown>; timestamp: string; application_id: string };
type EventPage = { events: StoredEvent[]; next_cursor: string | null };
type ErrorBody = { error: { code: string; message: string; details?: { path?: string }[] } };

describe('reading events back: GET /events, /events/{id}, /sessions/{id}/events, /events/errors', () => {
  let stack: TestStack;
  let workerProcess: { metricsUrl: string };
  let reader: string;
  let writer: string;
  let admin: string;
  let shopId: string;
  let blogId: string;
  const checkout = randomUUID();
  const browsing = randomUUID();
  const blogSession = randomUUID();
  const ids: Record<string, string> = {};

  const shopEvents = {
    pageview: sampleEvent({ session_id: browsing, name: 'pageview', data: { host: 'shop.com', path: '/', user: { plan: 'pro' } }, timestamp: '2023-01-01 09:00:00.000001' }),
    click: sampleEvent({ session_id: browsing, data: { host: 'shop.com', path: '/', element: 'chat bubble', count: 3 }, timestamp: '2023-01-01T09:00:01.500000Z' }),
    paid: sampleEvent({ session_id: checkout, category: 'activity', name: 'log', data: { component: 'checkout', environment: 'production', email: 'ade@gmail.com', message: 'paid' }, timestamp: '2023-01-01 09:00:02' }),
    staged: sampleEvent({ session_id: checkout, category: 'activity', name: 'log', data: { component: 'checkout', environment: 'staging', email: 'ade@gmail.com', flag: true }, timestamp: '2023-01-02 10:00:00+01:00' }),
  };

  async function send(token: string, events: Record<string, unknown>) {
    for (const [key, event] of Object.entries(events)) {
      const response = await stack.post(event, { token });
      expect(response.status).toBe(202);
      ids[key] = ((await response.json()) as { ids: string[] }).ids[0]!;
    }
  }

  beforeAll(async () => {
    stack = await startStack();
    workerProcess = await stack.startWorker();
    let writeToken: string;
    ({ token: writeToken, applicationId: shopId } = await stack.tokenFor('shop', ['read', 'write']));
    reader = writeToken;
    ({ token: writer } = await stack.tokenFor('shop', ['write']));
    const blog = await stack.tokenFor('blog', ['read', 'write']);
    blogId = blog.applicationId;
    ({ token: admin } = await stack.tokenFor('ops', ['admin']));
    await send(reader, shopEvents);
    await send(reader, { invalid: sampleEvent({ session_id: checkout, data: { host: 'shop.com', path: '/pay' } }) });
    await send(blog.token, { blog: sampleEvent({ session_id: blogSession, category: 'activity', name: 'log', data: { email: 'ade@gmail.com', environment: 'production' } }) });
    await eventually(async () => {
      const [row] = await stack.database.db.query('SELECT (SELECT count(*) FROM events)::int + (SELECT count(*) FROM event_errors)::int AS n');
      return row.n === 6 ? true : undefined;
    }, 15_000, 'every event to be stored');
  });
  afterAll(() => stack.stop());

  const get = (path: string, token: string | null = reader) =>
    fetch(`${stack.baseUrl}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });

  async function page(path: string, token?: string): Promise<EventPage> {
    const response = await get(path, token);
    expect(response.status).toBe(200);
    return (await response.json()) as EventPage;
  }
  const idsOf = (events: StoredEvent[]) => events.map((event) => event.id);

  async function expectBadParameter(path: string, parameter: string) {
    const response = await get(path);
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe('invalid_parameter');
    expect(body.error.message).toContain(parameter);
    expect(body.error.details?.map((detail) => detail.path)).toContain(parameter);
  }

  it("lists the application's own events in time order, timestamps with microseconds", async () => {
    const { events, next_cursor } = await page('/events');
    expect(idsOf(events)).toEqual([ids.pageview, ids.click, ids.paid, ids.staged]);
    expect(events.map((event) => event.timestamp)).toEqual([
      '2023-01-01T09:00:00.000001Z',
      '2023-01-01T09:00:01.500000Z',
      '2023-01-01T09:00:02.000000Z',
      '2023-01-02T09:00:00.000000Z',
    ]);
    expect(events[0]).toMatchObject({ application_id: shopId, category: 'page interaction', name: 'pageview', data: shopEvents.pageview.data });
    expect(next_cursor).toBeNull();
  });

  it('refuses reads without a token (401) or without the read scope (403)', async () => {
    expect((await get('/events', null)).status).toBe(401);
    const refused = await get('/events', writer);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as ErrorBody).error.code).toBe('forbidden');
  });

  it('filters by session, category, name and time', async () => {
    expect(idsOf((await page(`/events?session_id=${checkout}`)).events)).toEqual([ids.paid, ids.staged]);
    expect(idsOf((await page('/events?category=activity')).events)).toEqual([ids.paid, ids.staged]);
    expect(idsOf((await page('/events?name=cta%20click')).events)).toEqual([ids.click]);
    expect(idsOf((await page('/events?category=page%20interaction&name=pageview')).events)).toEqual([ids.pageview]);
    expect(idsOf((await page('/events?from=2023-01-01T09:00:01.5Z&to=2023-01-01%2009:00:02.000001')).events)).toEqual([ids.click, ids.paid]);
    expect(idsOf((await page('/events?from=2023-01-02T09:00:00%2B00:00')).events)).toEqual([ids.staged]);
  });

  it('filters on fields of data, nested, and matches numbers and booleans too', async () => {
    expect(idsOf((await page('/events?data.email=ade@gmail.com&data.environment=production')).events)).toEqual([ids.paid]);
    expect(idsOf((await page('/events?data.email=ade@gmail.com')).events)).toEqual([ids.paid, ids.staged]);
    expect(idsOf((await page('/events?data.user.plan=pro')).events)).toEqual([ids.pageview]);
    expect(idsOf((await page('/events?data.count=3')).events)).toEqual([ids.click]);
    expect(idsOf((await page('/events?data.flag=true')).events)).toEqual([ids.staged]);
    expect((await page('/events?data.email=nobody@example.com')).events).toEqual([]);
  });

  it('pages with next_cursor, and a page does not shift when new events arrive', async () => {
    const first = await page('/events?limit=2');
    expect(idsOf(first.events)).toEqual([ids.pageview, ids.click]);
    expect(first.next_cursor).toEqual(expect.any(String));
    // one event lands before the cursor, one after: only the later one may appear on the next pages
    await send(reader, {
      early: sampleEvent({ session_id: browsing, name: 'early', timestamp: '2022-12-31 00:00:00' }),
      late: sampleEvent({ session_id: browsing, name: 'late', timestamp: '2023-01-03 00:00:00' }),
    });
    await eventually(async () => ((await page('/events?name=late')).events.length === 1 ? true : undefined), 10_000, 'the late event');
    const second = await page(`/events?limit=2&cursor=${first.next_cursor}`);
    expect(idsOf(second.events)).toEqual([ids.paid, ids.staged]);
    const third = await page(`/events?limit=2&cursor=${second.next_cursor}`);
    expect(idsOf(third.events)).toEqual([ids.late]);
    expect(third.next_cursor).toBeNull();
  });

  it('returns one event by id, and 404 for an id of another application or none', async () => {
    const response = await get(`/events/${ids.paid}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: ids.paid, session_id: checkout, data: shopEvents.paid.data, timestamp: '2023-01-01T09:00:02.000000Z' });
    expect((await get(`/events/${ids.blog}`)).status).toBe(404);
    expect((await get(`/events/${randomUUID()}`)).status).toBe(404);
    await expectBadParameter('/events/not-a-uuid', 'id');
  });

  it("lists a session's events in order, with the other filters", async () => {
    expect(idsOf((await page(`/sessions/${checkout}/events`)).events)).toEqual([ids.paid, ids.staged]);
    expect(idsOf((await page(`/sessions/${checkout}/events?data.environment=staging`)).events)).toEqual([ids.staged]);
    expect((await page(`/sessions/${blogSession}/events`)).events).toEqual([]);
    await expectBadParameter(`/sessions/${checkout}/events?session_id=${checkout}`, 'session_id');
  });

  it('lists invalid events with their reasons, filtered like events', async () => {
    const response = await get(`/events/errors?session_id=${checkout}&data.path=/pay`);
    expect(response.status).toBe(200);
    const { errors, next_cursor } = (await response.json()) as { errors: { event_id: string; reasons: { path: string }[]; event: unknown }[]; next_cursor: null };
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ event_id: ids.invalid, reasons: [{ path: 'data.element' }], event: { data: { path: '/pay' } } });
    expect(next_cursor).toBeNull();
    const none = (await (await get('/events/errors?data.path=/elsewhere')).json()) as { errors: unknown[] };
    expect(none.errors).toEqual([]);
  });

  it('lets an admin token read every application, or one', async () => {
    const all = await page('/events?data.email=ade@gmail.com&data.environment=production', admin);
    expect(idsOf(all.events).sort()).toEqual([ids.paid, ids.blog].sort());
    expect(idsOf((await page(`/events?application_id=${blogId}`, admin)).events)).toEqual([ids.blog]);
    expect((await get(`/events/${ids.blog}`, admin)).status).toBe(200);
    expect((await get(`/events?application_id=${blogId}`)).status).toBe(403);
  });

  it('refuses bad filters with 400 naming the parameter', async () => {
    await expectBadParameter('/events?from=yesterday', 'from');
    await expectBadParameter('/events?to=2023-02-30T00:00:00Z', 'to');
    await expectBadParameter('/events?limit=0', 'limit');
    await expectBadParameter('/events?limit=1001', 'limit');
    await expectBadParameter('/events?limit=ten', 'limit');
    await expectBadParameter('/events?colour=red', 'colour');
    await expectBadParameter('/events?session_id=42', 'session_id');
    await expectBadParameter('/events?category=a&category=b', 'category');
    await expectBadParameter('/events?cursor=garbage', 'cursor');
    await expectBadParameter('/events?data.=x', 'data.');
    await expectBadParameter('/events?from=0000-01-01T00:00:00Z', 'from');
    // PostgreSQL refuses offsets of 16 hours or more: a 400, not its error as a 500
    await expectBadParameter('/events?from=2023-01-01T00:00:00%2B16:00', 'from');
    await expectBadParameter('/events?to=2023-01-01T00:00:00-99:00', 'to');
    await expectBadParameter(`/events?cursor=${Buffer.from('{"t":"2023-01-01T00:00:00+16:00","i":"6f1c3c1e-5b7a-4d2e-8f3a-2b1c0d9e8f7a"}').toString('base64url')}`, 'cursor');
    await expectBadParameter('/events?__proto__=1', '__proto__');
    await expectBadParameter('/events?constructor=1', 'constructor');
    await expectBadParameter('/events?category=a%00b', 'category');
    await expectBadParameter('/events?data.email=a%00b', 'data.email');
    await expectBadParameter(`/events/errors?cursor=${Buffer.from('{"t":"2023-01-01T00:00:00Z","i":"99999999999999999999"}').toString('base64url')}`, 'cursor');
  });

  it('is ready, and exposes metrics on the api and the worker', async () => {
    const ready = await get('/ready', null);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', broker: 'ok' } });
    const api = await (await get('/metrics', null)).text();
    expect(api).toMatch(/argus_api_http_requests_total\{route="\/events",method="POST",status="202"\} [1-9]/);
    expect(api).toMatch(/argus_api_http_requests_total\{route="\/events\/:id",method="GET",status="404"\} [1-9]/);
    expect(api).toMatch(/argus_api_events_accepted_total [1-9]/);
    expect(api).toMatch(/argus_api_publish_confirm_seconds_count [1-9]/);
    expect(api).toMatch(/^argus_ingest_queue_messages \d+$/m);
    const worker = await (await fetch(workerProcess.metricsUrl)).text();
    expect(worker).toMatch(/argus_worker_events_stored_total [1-9]/);
    expect(worker).toMatch(/argus_worker_events_invalid_total 1\b/);
    expect(worker).toMatch(/argus_worker_batch_messages_count [1-9]/);
    expect(worker).toMatch(/argus_worker_consumer_lag_seconds \d/);
    // the dashboard in deploy/ charts only metrics that exist
    const dashboard = await readFile(new URL('../deploy/grafana/argus.json', import.meta.url), 'utf8');
    const charted = new Set([...dashboard.matchAll(/argus_[a-z_]+/g)].map(([name]) => name.replace(/_(bucket|count|sum)$/, '')));
    expect(charted.size).toBeGreaterThan(10);
    for (const name of charted) expect(`${api}${worker}`).toContain(`# HELP ${name} `);
  });
});
