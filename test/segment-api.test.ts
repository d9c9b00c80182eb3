import { randomUUID } from 'node:crypto';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { eventually } from '@argus/shared/testing';
import { segmentEventId } from '../api/src/ingest/segment-calls.js';
import { startStack, type TestStack } from './support/stack.js';

type ErrorBody = { error: { code: string; message: string; request_id: string } };
type StoredEvent = { id: string; category: string; name: string; data: Record<string, unknown>; user_id: string | null; schema_version: number | null };

describe('the Segment HTTP API, compressed bodies and browsers', () => {
  let stack: TestStack;
  let writer: { token: string; applicationId: string };
  let admin: string;

  beforeAll(async () => {
    stack = await startStack({ REVOCATION_REFRESH_MS: '100' });
    writer = await stack.tokenFor('segment-shop', ['write', 'read', 'schema']);
    admin = (await stack.tokenFor('segment-operator', ['admin'])).token;
    // registered before the worker starts, so that it knows the schema from its first event
    const registered = await fetch(`${stack.baseUrl}/schemas/track/${encodeURIComponent('Order Completed')}`, {
      method: 'POST',
      headers: { ...bearer(), 'Content-Type': 'application/json' },
      body: JSON.stringify({ schema: { type: 'object', required: ['total'], properties: { total: { type: 'number' } } } }),
    });
    expect(registered.status).toBe(201);
    await stack.startWorker();
  }, 60_000);
  afterAll(() => stack.stop());

  const track = (fields: Record<string, unknown> = {}) => ({ messageId: randomUUID(), userId: 'ada', event: 'Order Completed', properties: { total: 42 }, ...fields });

  function send(path: string, body: Buffer | string | object, headers: Record<string, string> = {}) {
    const payload = Buffer.isBuffer(body) || typeof body === 'string' ? body : JSON.stringify(body);
    return fetch(`${stack.baseUrl}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: payload });
  }
  const bearer = () => ({ Authorization: `Bearer ${writer.token}` });

  async function expectError(response: Response, status: number, code: string): Promise<ErrorBody['error']> {
    const body = (await response.json()) as ErrorBody;
    expect([response.status, body.error.code]).toEqual([status, code]);
    expect(body.error.request_id).toBe(response.headers.get('x-request-id'));
    return body.error;
  }

  async function stored(id: string): Promise<StoredEvent> {
    await stack.waitUntilStored([id]);
    const response = await fetch(`${stack.baseUrl}/events/${id}`, { headers: bearer() });
    return (await response.json()) as StoredEvent;
  }

  it('takes the write key from Basic auth, a Bearer header or the body, on every call route, and answers 200 {success: true} with the ids', async () => {
    const basic = { Authorization: `Basic ${Buffer.from(`${writer.token}:`).toString('base64')}` };
    const calls: [string, object, Record<string, string>][] = [
      ['/v1/track', track(), basic],
      ['/v1/identify', { messageId: randomUUID(), userId: 'ada', traits: { email: 'ada@example.com' } }, bearer()],
      ['/v1/page', { messageId: randomUUID(), anonymousId: 'v-1', name: 'Home', writeKey: writer.token }, {}],
      ['/v1/screen', { messageId: randomUUID(), userId: 'ada', name: 'Cart' }, bearer()],
      ['/v1/group', { messageId: randomUUID(), userId: 'ada', groupId: 'acme' }, bearer()],
      ['/v1/alias', { messageId: randomUUID(), userId: 'ada', previousId: 'v-1' }, bearer()],
      ['/v1/import', { batch: [{ ...track(), type: 'track' }] }, bearer()],
    ];
    for (const [path, body, headers] of calls) {
      const response = await send(path, body, headers);
      const answer = (await response.json()) as { success: boolean; ids: string[] };
      expect([path, response.status, answer.success]).toEqual([path, 200, true]);
      const event = await stored(answer.ids[0]!);
      expect(event.category).toBe(path === '/v1/import' ? 'track' : path.slice('/v1/'.length));
    }
  }, 60_000);

  it('refuses a missing key (401), a key without the write scope (403) and a body that is no batch (400), in the one error shape', async () => {
    await expectError(await send('/v1/batch', { batch: [track()] }), 401, 'unauthorized');
    const reader = await stack.tokenFor('segment-reader', ['read']);
    await expectError(await send('/v1/batch', { batch: [track()], writeKey: reader.token }), 403, 'forbidden');
    await expectError(await send('/v1/batch', { batch: 'no' }, bearer()), 400, 'invalid_body');
    await expectError(await send('/v1/batch', '{"batch": [', bearer()), 400, 'invalid_json');
    await expectError(await send('/v1/batch', { batch: [track()] }, { ...bearer(), 'Content-Type': 'application/xml' }), 415, 'unsupported_media_type');
  }, 60_000);

  it('stores the same event from a gzip, deflate, br or plain body, on /v1/* and on POST /events', async () => {
    const encodings: [string, (body: Buffer) => Buffer][] = [
      ['gzip', gzipSync],
      ['deflate', deflateSync],
      ['br', brotliCompressSync],
      ['identity', (body) => body],
    ];
    for (const [encoding, compress] of encodings) {
      const call = track({ properties: { total: 42, encoding: 'any' } });
      const response = await send('/v1/batch', compress(Buffer.from(JSON.stringify({ batch: [{ ...call, type: 'track' }] }))), { ...bearer(), 'Content-Encoding': encoding });
      expect([encoding, response.status]).toEqual([encoding, 200]);
      const event = await stored(segmentEventId(call.messageId, writer.applicationId));
      expect([event.name, event.data, event.user_id]).toEqual(['Order Completed', { total: 42, encoding: 'any' }, 'ada']);

      const own = { session_id: randomUUID(), category: 'page', name: 'view', data: { encoding }, timestamp: new Date().toISOString() };
      const plain = await send('/events', compress(Buffer.from(JSON.stringify(own))), { ...bearer(), 'Content-Encoding': encoding });
      expect([encoding, plain.status]).toEqual([encoding, 202]);
      expect((await stored(((await plain.json()) as { ids: string[] }).ids[0]!)).data).toEqual({ encoding });
    }
  }, 60_000);

  it('refuses a small compressed body that inflates past the limits with 413, and a corrupt or unknown encoding with 400 / 415', async () => {
    const bomb = gzipSync(Buffer.alloc(12 * 1024 * 1024, ' '), { level: 9 });
    expect(bomb.length).toBeLessThan(20 * 1024);
    await expectError(await send('/v1/batch', bomb, { ...bearer(), 'Content-Encoding': 'gzip' }), 413, 'body_too_large');
    await expectError(await send('/events', bomb, { ...bearer(), 'Content-Encoding': 'gzip' }), 413, 'body_too_large');
    const dense = gzipSync(Buffer.alloc(512 * 1024, ' '));
    await expectError(await send('/events', dense, { ...bearer(), 'Content-Encoding': 'gzip' }), 413, 'compression_ratio_too_high');
    await expectError(await send('/v1/batch', Buffer.from('not gzip at all'), { ...bearer(), 'Content-Encoding': 'gzip' }), 400, 'invalid_encoding');
    await expectError(await send('/v1/batch', '{}', { ...bearer(), 'Content-Encoding': 'zstd' }), 415, 'unsupported_encoding');
  }, 60_000);

  it("checks a track against the schema the application registered for its kind, like a tracking plan", async () => {
    const valid = track({ properties: { total: 10, currency: 'EUR' } });
    const invalid = track({ properties: { total: 'ten' } });
    expect((await send('/v1/batch', { batch: [valid, invalid].map((call) => ({ ...call, type: 'track' })) }, bearer())).status).toBe(200);
    expect((await stored(segmentEventId(valid.messageId, writer.applicationId))).schema_version).toBe(1);
    const errors = await eventually(async () => {
      const response = await fetch(`${stack.baseUrl}/events/errors?user_id=ada&category=track`, { headers: bearer() });
      const page = (await response.json()) as { errors: { event_id: string; reasons: { path: string }[] }[] };
      return page.errors.find((error) => error.event_id === invalid.messageId);
    }, 20_000, 'the invalid track in event_errors');
    expect(errors.reasons.map((reason) => reason.path)).toEqual(['data.total']);
  }, 60_000);

  it('answers a CORS preflight on the ingest routes, and takes text/plain JSON (a beacon) with the key in the body', async () => {
    for (const path of ['/events', '/v1/batch', '/v1/track']) {
      const preflight = await fetch(`${stack.baseUrl}${path}`, {
        method: 'OPTIONS',
        headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://shop.example');
      expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization, Content-Type/);
      expect(Number(preflight.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    }
    const beacon = track();
    const response = await send('/v1/track', { ...beacon, writeKey: writer.token }, { 'Content-Type': 'text/plain;charset=UTF-8', Origin: 'https://shop.example' });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    await stored(segmentEventId(beacon.messageId, writer.applicationId));
  }, 60_000);

  it("refuses pages of origins the application does not allow, once its admin restricted them, and takes them again when lifted", async () => {
    const setOrigins = (allowed: unknown, token = admin) =>
      fetch(`${stack.baseUrl}/applications/${writer.applicationId}/allowed-origins`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ allowed_origins: allowed }),
      });
    expect((await setOrigins(['https://shop.example'], writer.token)).status).toBe(403);
    await expectError(await setOrigins(['https://shop.example/path']), 400, 'invalid_body');
    const set = await setOrigins(['https://shop.example']);
    expect([set.status, await set.json()]).toEqual([200, { application_id: writer.applicationId, allowed_origins: ['https://shop.example'] }]);

    const from = (origin: string) => send('/v1/batch', { batch: [{ ...track(), type: 'track' }] }, { ...bearer(), Origin: origin });
    await eventually(async () => ((await from('https://evil.example')).status === 403 ? true : undefined), 5000, 'the restriction to take effect');
    await expectError(await from('https://evil.example'), 403, 'origin_not_allowed');
    await expectError(await send('/events', {}, { ...bearer(), Origin: 'https://evil.example' }), 403, 'origin_not_allowed');
    expect((await from('https://shop.example')).status).toBe(200);
    // a server sends no Origin: the restriction is for browsers
    expect((await send('/v1/batch', { batch: [{ ...track(), type: 'track' }] }, bearer())).status).toBe(200);

    expect((await setOrigins(null)).status).toBe(200);
    await eventually(async () => ((await from('https://evil.example')).status === 200 ? true : undefined), 5000, 'the restriction to be lifted');
  }, 60_000);
});
