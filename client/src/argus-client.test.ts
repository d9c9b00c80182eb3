import { jest } from '@jest/globals';
import { ArgusClient, type ArgusClientOptions } from './argus-client.js';
import { ArgusDeliveryError, ArgusEventError, ArgusRequestError, type ArgusError } from './errors.js';

type SentBatch = { at: number; ids: string[]; sentAt: string; keepalive: boolean };
type Answer = Response | Error;

/** A fetch that records each POST and answers from a script (202 once the script runs out). */
function scriptedFetch(...answers: Answer[]) {
  const sent: SentBatch[] = [];
  const fetch = async (_url: string | URL | Request, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body)) as { batch: { event_id: string }[]; sent_at: string };
    sent.push({ at: Date.now(), ids: body.batch.map((event) => event.event_id), sentAt: body.sent_at, keepalive: init?.keepalive === true });
    const answer = answers.shift() ?? accepted(body.batch.length);
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { fetch: fetch as typeof globalThis.fetch, sent };
}

const accepted = (count: number) => new Response(JSON.stringify({ accepted: count, ids: [] }), { status: 202 });
const failure = (status: number, code: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ error: { code, message: `${code} happened`, request_id: 'r1' } }), { status, headers });

const pageview = { sessionId: '5b0b8b9e-8d7e-4a53-9a3c-2f0f3c1a9d10', category: 'page interaction', name: 'pageview', data: { host: 'h', path: '/' } } as const;

describe('ArgusClient batching and retries (fake timers)', () => {
  const clients: ArgusClient[] = [];
  beforeEach(() => jest.useFakeTimers());
  afterEach(async () => {
    jest.useRealTimers();
    jest.restoreAllMocks();
    clients.splice(0).forEach((client) => void client.close());
  });

  function clientWith(fetch: typeof globalThis.fetch, options: Partial<ArgusClientOptions> = {}) {
    const errors: ArgusError[] = [];
    const client = new ArgusClient({ baseUrl: 'http://argus.test', token: 't', fetch, onError: (error) => errors.push(error), ...options });
    clients.push(client);
    return { client, errors };
  }

  it('sends as soon as maxBatchEvents wait, without waiting for the interval', async () => {
    const { fetch, sent } = scriptedFetch();
    const { client } = clientWith(fetch, { maxBatchEvents: 3, flushIntervalMs: 10_000 });
    const ids = [1, 2, 3, 4].map(() => client.track(pageview));
    await jest.advanceTimersByTimeAsync(0);
    expect(sent.map((batch) => batch.ids)).toEqual([ids.slice(0, 3)]);
    expect(client.stats).toMatchObject({ queued: 1, accepted: 3 });
  });

  it('sends fewer events once the oldest has waited flushIntervalMs', async () => {
    const { fetch, sent } = scriptedFetch();
    const { client } = clientWith(fetch, { maxBatchEvents: 100, flushIntervalMs: 1000 });
    const trackedAt = Date.now();
    const first = client.track(pageview);
    await jest.advanceTimersByTimeAsync(600);
    const second = client.track(pageview);
    await jest.advanceTimersByTimeAsync(399);
    expect(sent).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(sent.map((batch) => batch.ids)).toEqual([[first, second]]);
    expect(sent[0]!.at - trackedAt).toBe(1000);
  });

  it('flush() sends at once and resolves when the server has accepted everything tracked before it', async () => {
    const { fetch, sent } = scriptedFetch();
    const { client } = clientWith(fetch, { maxBatchEvents: 2, flushIntervalMs: 60_000 });
    [1, 2, 3, 4, 5].forEach(() => client.track(pageview));
    await client.flush();
    expect(sent.map((batch) => batch.ids.length)).toEqual([2, 2, 1]);
    expect(client.stats).toMatchObject({ queued: 0, inFlight: 0, accepted: 5 });
  });

  it("waits as long as a 503's Retry-After says, then resends the same events with a new sent_at", async () => {
    const { fetch, sent } = scriptedFetch(failure(503, 'broker_unreachable', { 'Retry-After': '3' }));
    const { client, errors } = clientWith(fetch, { retry: { initialDelayMs: 10 } });
    client.track(pageview);
    const flushed = client.flush();
    await jest.advanceTimersByTimeAsync(2999);
    expect(sent).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    await flushed;
    expect(sent).toHaveLength(2);
    expect(sent[1]!.at - sent[0]!.at).toBe(3000);
    expect(sent[1]!.ids).toEqual(sent[0]!.ids);
    expect(Date.parse(sent[1]!.sentAt) - Date.parse(sent[0]!.sentAt)).toBe(3000);
    expect(errors).toEqual([]);
  });

  it('backs off exponentially on network errors and 5xx, then gives up and reports it', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
    const { fetch, sent } = scriptedFetch(new TypeError('fetch failed'), failure(500, 'internal_error'), failure(429, 'slow_down'), new TypeError('fetch failed'));
    const { client, errors } = clientWith(fetch, { retry: { maxAttempts: 4, initialDelayMs: 100, maxDelayMs: 10_000 } });
    const id = client.track(pageview);
    const flushed = client.flush();
    await jest.advanceTimersByTimeAsync(1000);
    await flushed;
    const gaps = sent.slice(1).map((batch, index) => batch.at - sent[index]!.at);
    expect(gaps).toEqual([50, 100, 200]); // half of 100, 200, 400: the jitter is Math.random() × the ceiling
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ArgusDeliveryError);
    expect(errors[0]).toMatchObject({ attempts: 4, lastFailure: 'fetch failed', eventIds: [id] });
    expect(client.stats).toMatchObject({ failed: 1, accepted: 0, requests: 4 });
  });

  it('never retries a 4xx: reports it with the server’s message', async () => {
    const { fetch, sent } = scriptedFetch(failure(400, 'invalid_event'));
    const { client, errors } = clientWith(fetch);
    const id = client.track(pageview);
    await client.flush();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(sent).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ArgusRequestError);
    expect(errors[0]).toMatchObject({ status: 400, server: { code: 'invalid_event', message: 'invalid_event happened' }, eventIds: [id] });
  });

  it('refuses, at track(), an event the server would refuse', () => {
    const { client } = clientWith(scriptedFetch().fetch, { maxEventBytes: 1000 });
    expect(() => client.track({ ...pageview, data: { host: 'h', path: 'x'.repeat(1000) } })).toThrow(ArgusEventError);
    expect(() => client.track({ ...pageview, data: { host: 'h', path: 'x'.repeat(1000) } })).toThrow(/is 1\d{3} bytes serialised; the server accepts at most 1000/);
    expect(() => client.track({ ...pageview, eventId: 'not-a-uuid' })).toThrow(/eventId must be a UUID/);
    const cyclic: Record<string, unknown> = { host: 'h', path: '/' };
    cyclic.self = cyclic;
    expect(() => client.track({ ...pageview, data: cyclic as typeof pageview.data })).toThrow(/cannot be serialised/);
  });

  it('reports every dropped event, by policy, and counts them', async () => {
    const dropped: string[][] = [];
    const { client } = clientWith(scriptedFetch().fetch, { maxQueueEvents: 2, onDrop: ({ eventIds }) => dropped.push(eventIds) });
    const ids = [1, 2, 3, 4].map(() => client.track(pageview));
    expect(dropped).toEqual([[ids[0]], [ids[1]]]);
    expect(client.stats).toMatchObject({ dropped: 2, queued: 2 });
  });

  it('warns of drops by default without a line per event', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const { client } = clientWith(scriptedFetch().fetch, { maxQueueEvents: 1 });
    [1, 2, 3, 4, 5].forEach(() => client.track(pageview));
    expect(warn.mock.calls).toEqual([[expect.stringContaining('dropped 1 events')]]);
    await jest.advanceTimersByTimeAsync(10_000);
    client.track(pageview);
    client.track(pageview);
    expect(warn.mock.calls.slice(1)).toEqual([[expect.stringContaining('dropped 4 events')]]);
  });

  it('defaults the timestamp to now and sends the server’s field names', async () => {
    jest.setSystemTime(new Date('2026-05-01T10:00:00.123Z'));
    let body: { batch: Record<string, unknown>[] } | undefined;
    const fetch = (async (_url: string, init: RequestInit) => {
      body = JSON.parse(String(init.body));
      return accepted(1);
    }) as unknown as typeof globalThis.fetch;
    const { client } = clientWith(fetch);
    const id = client.track(pageview);
    await client.flush();
    expect(body!.batch).toEqual([
      { event_id: id, session_id: pageview.sessionId, category: 'page interaction', name: 'pageview', data: { host: 'h', path: '/' }, timestamp: '2026-05-01T10:00:00.123Z' },
    ]);
  });

  it('sends at once when the page is hidden, in keepalive requests of at most 64 KiB', async () => {
    const page = Object.assign(new EventTarget(), { visibilityState: 'visible' });
    Object.assign(globalThis, { document: page, window: new EventTarget() });
    try {
      const { fetch, sent } = scriptedFetch();
      const { client } = clientWith(fetch, { flushIntervalMs: 60_000 });
      const ids = [1, 2, 3].map(() => client.track({ ...pageview, data: { host: 'h', path: 'x'.repeat(30_000) } }));
      await jest.advanceTimersByTimeAsync(0);
      expect(sent).toHaveLength(0);
      page.visibilityState = 'hidden';
      page.dispatchEvent(new Event('visibilitychange'));
      await jest.advanceTimersByTimeAsync(0);
      expect(sent.map((batch) => [batch.ids, batch.keepalive])).toEqual([
        [ids.slice(0, 2), true],
        [ids.slice(2), true],
      ]);
    } finally {
      Reflect.deleteProperty(globalThis, 'document');
      Reflect.deleteProperty(globalThis, 'window');
    }
  });

  it('types the data of known kinds and takes any object for others', () => {
    const { client } = clientWith(scriptedFetch().fetch);
    client.track({ sessionId: pageview.sessionId, category: 'page interaction', name: 'cta click', data: { host: 'h', path: '/', element: 'e' } });
    client.track({ sessionId: pageview.sessionId, category: 'checkout', name: 'paid', data: { amount: 3 } });
    // @ts-expect-error a cta click names its element
    client.track({ sessionId: pageview.sessionId, category: 'page interaction', name: 'cta click', data: { host: 'h', path: '/' } });
    // @ts-expect-error every page interaction names its host and path
    client.track({ sessionId: pageview.sessionId, category: 'page interaction', name: 'scroll', data: { depth: 3 } });
    // @ts-expect-error a form submit carries the form as an object
    client.track({ sessionId: pageview.sessionId, category: 'form interaction', name: 'submit', data: { host: 'h', path: '/', form: 'x' } });
    expect(client.stats.queued).toBe(5);
  });
});
