import { ApiError } from '../errors.js';
import { readSegmentBody, segmentEvent, segmentEventId } from './segment-calls.js';
import { uuidV5 } from './uuid-v5.js';

const app = '0b6a1f55-5a0e-4a8c-9a51-1d1c5b0c2a10';
const receivedAt = '2026-11-27T10:00:00.000Z';

describe('uuidV5', () => {
  it('is RFC 9562 version 5 (the DNS namespace example)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });
});

describe('mapping a Segment call to an Argus event', () => {
  it('keeps a UUID messageId as the id and derives one from any other text, the same on every retry', () => {
    expect(segmentEventId('0A6D9F3E-3C1B-4F5A-9A2B-1C2D3E4F5A6B', app)).toBe('0a6d9f3e-3c1b-4f5a-9a2b-1c2d3e4f5a6b');
    expect(segmentEventId('node-next-1-x', app)).toBe(uuidV5('node-next-1-x', app));
    expect(segmentEventId('node-next-1-x', app)).not.toBe(segmentEventId('node-next-1-x', '00000000-0000-4000-8000-000000000001'));
  });

  it('maps a track: category track, the event as name, properties as data, who and where kept', () => {
    const call = {
      type: 'track',
      messageId: 'm-1',
      userId: 42,
      anonymousId: 'anon-1',
      event: 'Order Completed',
      properties: { total: 3 },
      context: { ip: '1.2.3.4' },
      integrations: { All: false },
      timestamp: '2026-11-27T09:59:00.000Z',
      sentAt: '2026-11-27T09:59:30.000Z',
    };
    expect(segmentEvent(call, app, receivedAt)).toEqual({
      event_id: uuidV5('m-1', app),
      session_id: uuidV5('anonymous:anon-1', app),
      category: 'track',
      name: 'Order Completed',
      data: { total: 3 },
      timestamp: '2026-11-27T09:59:00.000Z',
      sent_at: '2026-11-27T09:59:30.000Z',
      user_id: '42',
      anonymous_id: 'anon-1',
      context: { ip: '1.2.3.4' },
      integrations: { All: false },
    });
  });

  it('gives a visitor one session per application, an anonymous id and a user id of the same text being two visitors', () => {
    const other = '00000000-0000-4000-8000-000000000001';
    const session = (call: Record<string, unknown>, application = app) => segmentEvent({ type: 'track', event: 'x', ...call }, application, receivedAt).session_id;
    expect(session({ anonymousId: 'v-1' })).toBe(uuidV5('anonymous:v-1', app));
    expect(session({ anonymousId: 'v-1', userId: 'v-2' })).toBe(uuidV5('anonymous:v-1', app));
    expect(session({ userId: 'v-1' })).toBe(uuidV5('user:v-1', app));
    expect(session({ anonymousId: 'v-1' }, other)).toBe(uuidV5('anonymous:v-1', other));
    expect(session({ anonymousId: 7 })).toBe(uuidV5('anonymous:7', app));
    expect(session({ anonymousId: 'v-1' })).toBe(uuidV5('anonymous:v-1', app)); // from the cache, as computed
    expect(session({})).toBeUndefined();
  });

  it.each([
    ['page', { name: 'Pricing', properties: { path: '/p' } }, 'Pricing', { path: '/p' }],
    ['page', {}, 'page', {}],
    ['screen', { name: 'Home' }, 'Home', {}],
    ['identify', { traits: { email: 'a@b.c' } }, 'identify', { email: 'a@b.c' }],
    ['group', { groupId: 'acme', traits: { plan: 'pro' } }, 'group', { plan: 'pro', group_id: 'acme' }],
    ['alias', { previousId: 'anon-1' }, 'alias', { previous_id: 'anon-1' }],
  ])('maps a %s call to its name and data', (type, fields, name, data) => {
    const event = segmentEvent({ type, userId: 'ada', ...fields }, app, receivedAt);
    expect([event.category, event.name, event.data, event.session_id]).toEqual([type, name, data, uuidV5('user:ada', app)]);
  });

  it('prefers originalTimestamp, and a call without any time happened when received (no clock to correct)', () => {
    const call = { type: 'track', event: 'e', userId: 'u', originalTimestamp: '2026-01-01T00:00:00Z', timestamp: '2026-02-01T00:00:00Z', sentAt: '2026-01-01T00:00:01Z' };
    expect(segmentEvent(call, app, receivedAt)).toMatchObject({ timestamp: '2026-01-01T00:00:00Z', sent_at: '2026-01-01T00:00:01Z' });
    const untimed = segmentEvent({ type: 'track', event: 'e', userId: 'u', sentAt: '2026-01-01T00:00:01Z' }, app, receivedAt);
    expect([untimed.timestamp, untimed.sent_at]).toEqual([receivedAt, undefined]);
  });

  it('leaves out what a call lacks, so the worker names the missing field', () => {
    const event = JSON.parse(JSON.stringify(segmentEvent({ type: 'track', userId: null }, app, receivedAt))) as object;
    expect(Object.keys(event).sort()).toEqual(['category', 'data', 'timestamp']);
  });

  it('refuses a messageId that is not text', () => {
    expect(() => segmentEvent({ type: 'track', messageId: 7 }, app, receivedAt)).toThrow(ApiError);
  });
});

describe('reading a Segment body', () => {
  it("merges the batch's context and integrations into each call (the call's keys win) and takes its sentAt and writeKey", () => {
    const body = readSegmentBody(
      {
        writeKey: 'k',
        sentAt: '2026-01-01T00:00:05Z',
        context: { library: 'x', ip: '1' },
        integrations: { All: true },
        batch: [
          { type: 'track', timestamp: '2026-01-01T00:00:00Z', context: { ip: '2' } },
          { type: 'page', timestamp: '2026-01-01T00:00:00Z', sentAt: '2026-01-01T00:00:09Z' },
        ],
      },
      'batch',
    );
    expect(body.writeKey).toBe('k');
    const events = body.calls.map((call) => segmentEvent(call, app, receivedAt, body.envelope));
    expect(events.map(({ sent_at, context, integrations }) => ({ sent_at, context, integrations }))).toEqual([
      { sent_at: '2026-01-01T00:00:05Z', context: { library: 'x', ip: '2' }, integrations: { All: true } },
      { sent_at: '2026-01-01T00:00:09Z', context: { library: 'x', ip: '1' }, integrations: { All: true } },
    ]);
  });

  it('takes a call route body as one call of that type', () => {
    expect(readSegmentBody({ type: 'page', event: 'e' }, 'track').calls).toEqual([{ type: 'track', event: 'e' }]);
  });

  it.each([[[]], ['text'], [{ batch: {} }], [{ batch: [1] }]])('refuses %j with a 400', (body) => {
    expect(() => readSegmentBody(body, 'batch')).toThrow(expect.objectContaining({ status: 400 }));
  });
});
