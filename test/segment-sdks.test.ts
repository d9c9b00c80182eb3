import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { Analytics } from '@segment/analytics-node';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import { segmentEventId } from '../api/src/ingest/segment-calls.js';
import { startStack, type TestStack } from './support/stack.js';

type StoredEvent = { id: string; category: string; name: string; data: Record<string, unknown>; user_id: string | null; anonymous_id: string | null; context: Record<string, unknown> | null };

/**
 * A proxy in front of the api that passes every request on, but answers the first one 503 after
 * Argus took it: the SDK must retry with the same messageIds, and Argus must not store twice.
 */
type SeenRequest = { path: string; encoding?: string; type?: string; messageIds: string[] };

async function refusingFirstAnswer(target: string): Promise<{ url: string; requests: SeenRequest[]; close(): Promise<void> }> {
  const requests: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    const first = requests.length === 0;
    const seen: SeenRequest = { path: req.url ?? '', encoding: req.headers['content-encoding'], type: req.headers['content-type'], messageIds: [] };
    requests.push(seen);
    const body: Buffer[] = [];
    req.on('data', (chunk: Buffer) => body.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(body);
      const text = (seen.encoding === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
      seen.messageIds = (JSON.parse(text) as { batch: { messageId: string }[] }).batch.map((call) => call.messageId);
    });
    const forward = request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        if (first) {
          res.writeHead(503, { 'Content-Type': 'application/json' }).end('{"error":{"code":"unavailable","message":"try again"}}');
        } else {
          res.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(chunks));
        }
      });
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Every messageId sent, once; the refused first request's were all sent again (a retry keeps them). */
function sentMessageIds(requests: SeenRequest[]): string[] {
  expect(requests.length).toBeGreaterThan(1);
  const [refused, ...retried] = requests;
  const later = new Set(retried.flatMap((req) => req.messageIds));
  expect(refused!.messageIds.filter((id) => !later.has(id))).toEqual([]);
  return [...later];
}

describe('existing SDKs send to Argus unchanged (Segment HTTP API)', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startStack();
    await stack.startWorker();
  }, 60_000);
  afterAll(() => stack.stop());

  async function eventsOf(reader: string, query: string): Promise<StoredEvent[]> {
    const response = await fetch(`${stack.baseUrl}/events?${query}`, { headers: { Authorization: `Bearer ${reader}` } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { events: StoredEvent[] }).events;
  }

  async function expectStoredOnce(applicationId: string, reader: string, messageIds: string[], user: string, anonymous: string) {
    const ids = messageIds.map((messageId) => segmentEventId(messageId, applicationId));
    await stack.waitUntilStored(ids);
    const all = await eventsOf(reader, 'limit=1000');
    expect(all.map((event) => event.id).sort()).toEqual([...ids].sort());
    const byUser = await eventsOf(reader, `user_id=${encodeURIComponent(user)}`);
    const byVisitor = await eventsOf(reader, `anonymous_id=${encodeURIComponent(anonymous)}`);
    expect(byUser.map((event) => event.category).sort()).toEqual(['alias', 'group', 'identify', 'track']);
    expect(byVisitor.map((event) => [event.category, event.name])).toEqual([['page', 'Pricing']]);
    return all;
  }

  it('@segment/analytics-node: track, identify, page, group and alias are each stored once, by messageId, after a 503 it retried', async () => {
    const { token, applicationId } = await stack.tokenFor('segment-node', ['write', 'read']);
    const proxy = await refusingFirstAnswer(stack.baseUrl);
    const analytics = new Analytics({ writeKey: token, host: proxy.url });
    const failures: unknown[] = [];
    const sent = (error: unknown) => {
      if (error) failures.push(error);
    };
    analytics.track({ userId: 'ada', event: 'Order Completed', properties: { total: 42.5, currency: 'EUR' } }, sent);
    analytics.identify({ userId: 'ada', traits: { email: 'ada@example.com' } }, sent);
    analytics.page({ anonymousId: 'visitor-1', name: 'Pricing', properties: { path: '/pricing' } }, sent);
    analytics.group({ userId: 'ada', groupId: 'acme', traits: { plan: 'pro' } }, sent);
    analytics.alias({ userId: 'ada', previousId: 'visitor-1' }, sent);
    await analytics.closeAndFlush({ timeout: 30_000 });
    await proxy.close();

    expect(failures).toEqual([]);
    const messageIds = sentMessageIds(proxy.requests);
    expect(messageIds).toHaveLength(5);
    expect(messageIds[0]).toMatch(/^node-next-/);
    expect(proxy.requests.every((req) => req.path === '/v1/batch')).toBe(true);
    const stored = await expectStoredOnce(applicationId, token, messageIds, 'ada', 'visitor-1');
    const order = stored.find((event) => event.category === 'track')!;
    expect([order.name, order.data, order.user_id]).toEqual(['Order Completed', { total: 42.5, currency: 'EUR' }, 'ada']);
    expect(order.context).toMatchObject({ library: { name: '@segment/analytics-node' } });
    expect(stored.find((event) => event.category === 'group')!.data).toEqual({ plan: 'pro', group_id: 'acme' });
  }, 60_000);

  it('@rudderstack/rudder-sdk-node (gzip, as shipped): every call stored once, by messageId, after a 503 it retried', async () => {
    const { token, applicationId } = await stack.tokenFor('rudder-node', ['write', 'read']);
    const proxy = await refusingFirstAnswer(stack.baseUrl);
    const client = new RudderAnalytics(token, { dataPlaneUrl: proxy.url });
    const failures: unknown[] = [];
    let answered = 0;
    let allAnswered: () => void;
    const done = new Promise<void>((resolve) => (allAnswered = resolve));
    // each call's callback runs once its batch was answered
    const sent = (error?: unknown) => {
      if (error) failures.push(error);
      if (++answered === 5) allAnswered();
    };
    client.track({ userId: 'ada', event: 'Order Completed', properties: { total: 42.5 } }, sent);
    client.identify({ userId: 'ada', traits: { email: 'ada@example.com' } }, sent);
    client.page({ anonymousId: 'visitor-1', name: 'Pricing', properties: { path: '/pricing' } }, sent);
    client.group({ userId: 'ada', groupId: 'acme', traits: { plan: 'pro' } }, sent);
    client.alias({ userId: 'ada', previousId: 'visitor-1' }, sent);
    client.flush();
    await done;
    await proxy.close();

    expect(failures).toEqual([]);
    const messageIds = sentMessageIds(proxy.requests);
    expect(messageIds).toHaveLength(5);
    expect(proxy.requests[0]).toMatchObject({ path: '/v1/batch', encoding: 'gzip', type: 'application/x-www-form-urlencoded' });
    await expectStoredOnce(applicationId, token, messageIds, 'ada', 'visitor-1');
  }, 60_000);
});
