import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import amqp from 'amqplib';
import { createLogger, decodeIngestMessage, revokeToken, signToken } from '@argus/shared';
import { eventually, testSecret } from '@argus/shared/testing';
import { sampleEvent, startStack, type TestStack } from './support/stack.js';

describe('POST /events (api alone, against the real broker)', () => {
  let stack: TestStack;
  let token: string;
  let applicationId: string;

  beforeAll(async () => {
    stack = await startStack({ REVOCATION_REFRESH_MS: '100', MAX_BODY_BYTES: String(64 * 1024) });
    ({ token, applicationId } = await stack.tokenFor('shop'));
  });
  afterAll(() => stack.stop());

  async function expectError(response: Response, status: number, code: string) {
    expect(response.status).toBe(status);
    const body = (await response.json()) as { error: { code: string; message: string; request_id: string } };
    expect(body.error).toMatchObject({ code, message: expect.any(String), request_id: response.headers.get('x-request-id') });
    return body.error;
  }

  it('answers 202 with the ids once the broker holds the event, raw and enveloped', async () => {
    const event = sampleEvent({ event_id: '6f1c3c1e-5b7a-4d2e-8f3a-2b1c0d9e8f7a' });
    const response = await stack.post(event, { token, headers: { 'X-Request-Id': 'req-123' } });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 1, ids: [event.event_id] });

    const connection = await amqp.connect(stack.broker.url);
    try {
      const channel = await connection.createChannel();
      const message = await eventually(async () => (await channel.get(stack.broker.topology.ingestQueue, { noAck: true })) || undefined);
      const decoded = decodeIngestMessage(message.content);
      expect(decoded).toMatchObject({
        ok: true,
        message: { requests: [{ application_id: applicationId, request_id: 'req-123', events: [{ id: event.event_id, raw: event }] }] },
      });
      expect(message.properties.deliveryMode).toBe(2);
    } finally {
      await connection.close();
    }
  });

  it('answers a batch with one id per event, in order', async () => {
    const response = await stack.post([sampleEvent(), sampleEvent({ name: 'pageview' })], { token });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { accepted: number; ids: string[] };
    expect(body.accepted).toBe(2);
    expect(new Set(body.ids).size).toBe(2);
  });

  it('refuses a request without a token, or with a bad, foreign, expired or malformed one (401)', async () => {
    await expectError(await stack.post(sampleEvent()), 401, 'unauthorized');
    await expectError(await stack.post(sampleEvent(), { headers: { Authorization: `Basic ${token}` } }), 401, 'unauthorized');
    await expectError(await stack.post(sampleEvent(), { token: 'garbage' }), 401, 'unauthorized');
    const foreign = signToken('another-secret-another-secret-another-secret', { applicationId, tokenId: applicationId, scopes: ['write'] });
    await expectError(await stack.post(sampleEvent(), { token: foreign }), 401, 'unauthorized');
    const expired = signToken(testSecret, { applicationId, tokenId: applicationId, scopes: ['write'] }, new Date(Date.now() - 1000));
    const error = await expectError(await stack.post(sampleEvent(), { token: expired }), 401, 'unauthorized');
    expect(error.message).toBe('token expired');
  });

  it('refuses a token without the write scope (403)', async () => {
    const { token: readOnly } = await stack.tokenFor('analyst', ['read']);
    await expectError(await stack.post(sampleEvent(), { token: readOnly }), 403, 'forbidden');
  });

  it('refuses a revoked token within the refresh interval', async () => {
    const { token: doomed, tokenId } = await stack.tokenFor('doomed');
    expect((await stack.post(sampleEvent(), { token: doomed })).status).toBe(202);
    await revokeToken(stack.database.db, tokenId);
    const refused = await eventually(async () => {
      const response = await stack.post(sampleEvent(), { token: doomed });
      return response.status === 401 ? response : undefined;
    }, 5000, 'the revocation to take effect');
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe('token has been revoked, or its application deleted');
  });

  it('refuses a body that is not JSON (415), malformed (400) or not events (400)', async () => {
    await expectError(await stack.post('{}', { token, headers: { 'Content-Type': 'application/xml' } }), 415, 'unsupported_media_type');
    await expectError(await stack.post('{"session_id": ', { token }), 400, 'invalid_json');
    await expectError(await stack.post('[1, 2]', { token }), 400, 'invalid_event');
    await expectError(await stack.post('"event"', { token }), 400, 'invalid_body');
  });

  it('refuses what is too large (413), naming the event at fault', async () => {
    const oversized = sampleEvent({ data: { blob: 'x'.repeat(33 * 1024) } });
    const error = await expectError(await stack.post([sampleEvent(), oversized], { token }), 413, 'event_too_large');
    expect(error.message).toContain('event 1');
    await expectError(await stack.post(Array.from({ length: 501 }, () => ({})), { token }), 413, 'batch_too_large');
    await expectError(await stack.post(JSON.stringify({ pad: 'x'.repeat(70 * 1024) }), { token }), 413, 'body_too_large');
  });

  it('answers /health, and 404 in the same error shape for unknown routes', async () => {
    const health = await fetch(`${stack.baseUrl}/health`);
    expect(await health.json()).toEqual({ status: 'healthy' });
    await expectError(await fetch(`${stack.baseUrl}/nowhere`), 404, 'not_found');
  });

  it('answers 503 while the ingest queue is missing, and restores it by itself', async () => {
    await stack.deleteIngestQueue();
    const refused = await stack.post(sampleEvent(), { token });
    await expectError(refused, 503, 'broker_unroutable');
    expect(refused.headers.get('retry-after')).toBe('5');
    await eventually(async () => ((await stack.post(sampleEvent(), { token })).status === 202 ? true : undefined), 5000, 'the queue to be restored');
  });
});

describe('POST /events when the broker is unreachable', () => {
  let stack: TestStack;
  let logged = '';
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logged += String(chunk);
        done();
      },
    });
    // nothing listens on port 1: every connection attempt fails at once
    stack = await startStack({ AMQP_URL: 'amqp://guest:guest@127.0.0.1:1', BROKER_STARTUP_WAIT_MS: '100' }, { log: createLogger({ name: 'api', level: 'info', destination: sink }) });
  });
  afterAll(() => stack.stop());

  it('answers 503 with Retry-After at once, without hanging', async () => {
    const { token } = await stack.tokenFor('shop');
    const started = Date.now();
    const response = await Promise.race([stack.post(sampleEvent(), { token }), sleep(5000, undefined, { ref: false }).then(() => undefined)]);
    expect(response).toBeDefined();
    expect(response!.status).toBe(503);
    expect(response!.headers.get('retry-after')).toBe('5');
    expect(((await response!.json()) as { error: { code: string } }).error.code).toBe('broker_unreachable');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('logs the refusals as a rate, not one line per request', async () => {
    const { token } = await stack.tokenFor('busy');
    for (let i = 0; i < 200; i += 1) expect((await stack.post(sampleEvent(), { token })).status).toBe(503);
    const refusalLines = logged.split('\n').filter((line) => line.includes('broker_unreachable'));
    // one line per refused request once made 576 lines in 31 s; now the first of the spell, then a count every 10 s
    expect(refusalLines.length).toBeGreaterThanOrEqual(1);
    expect(refusalLines.length).toBeLessThanOrEqual(3);
  });

  it('is alive (/health) but not ready (/ready: 503 naming the broker)', async () => {
    expect((await fetch(`${stack.baseUrl}/health`)).status).toBe(200);
    const ready = await fetch(`${stack.baseUrl}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'not ready', checks: { database: 'ok', broker: 'failed' } });
  });
});
