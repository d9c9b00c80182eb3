import { parseTimestamp, type IngestRequest } from '@argus/shared';
import { normalise } from './normalise.js';
import type { EventRef, Normalised, Verdict } from './types.js';

const receivedAt = '2023-01-01T12:00:00.000Z';
const options = { clockSkewAllowanceMs: 60_000 };
const event = {
  session_id: 'E2085BE5-9137-4E4E-80B5-F1FFDDC25423',
  category: 'page interaction',
  name: 'pageview',
  data: { host: 'www.example.com', path: '/' },
  timestamp: '2023-01-01 09:15:27.243860',
};
const request = (extra: Partial<IngestRequest> = {}): IngestRequest => ({
  application_id: '0b6a1f55-5a0e-4a8c-9a51-1d1c5b0c2a10',
  request_id: 'r1',
  received_at: receivedAt,
  events: [],
  ...extra,
});
const ref = (raw: unknown, extra?: Partial<IngestRequest>): EventRef => ({ message: 0, request: request(extra), id: '6f1c3c1e-5b7a-4d2e-8f3a-2b1c0d9e8f7a', raw });
const value = (verdict: Verdict<Normalised>): Normalised => {
  if (!verdict.ok) throw new Error(`ended: ${JSON.stringify(verdict.error.reasons)}`);
  return verdict.value;
};
const paths = (verdict: Verdict<Normalised>) => value(verdict).problems.map((problem) => problem.path);

describe('normalising an event', () => {
  it('reads a well-formed event, keeping its timestamp when no sent_at is given and lowercasing its session', () => {
    const normalised = value(normalise(ref(event), options));
    expect(normalised.problems).toEqual([]);
    expect(normalised.times).toEqual({ timestamp: parseTimestamp(event.timestamp), clientTimestamp: parseTimestamp(event.timestamp), sentAt: undefined });
    expect(normalised.sessionId).toBe(event.session_id.toLowerCase());
    expect(normalised.kind).toEqual({ category: 'page interaction', name: 'pageview', data: event.data });
  });

  it.each([
    [{ session_id: 'not-a-uuid' }, 'session_id'],
    [{ category: '' }, 'category'],
    [{ name: 'x'.repeat(101) }, 'name'],
    [{ category: 42 }, 'category'],
    [{ data: [] }, 'data'],
    [{ data: 'text' }, 'data'],
    [{ timestamp: 'soon' }, 'timestamp'],
    [{ timestamp: '0000-01-01 00:00:00' }, 'timestamp'],
    [{ sent_at: 'later' }, 'sent_at'],
    [{ event_id: 'abc' }, 'event_id'],
    [{ schema_version: 0 }, 'schema_version'],
    [{ schema_version: 1.5 }, 'schema_version'],
    [{ schema_version: '2' }, 'schema_version'],
    [{ colour: 'blue' }, ''],
  ])('names the field at fault in %j', (change, path) => {
    expect(paths(normalise(ref({ ...event, ...change }), options))).toContain(path);
  });

  it('names every missing field', () => {
    expect(paths(normalise(ref({}), options)).sort()).toEqual(['category', 'data', 'name', 'session_id', 'timestamp']);
  });

  it('reports a timestamp in the future together with every other problem', () => {
    const problems = paths(normalise(ref({ ...event, session_id: 'x', category: '', timestamp: '2099-01-01T00:00:00Z', colour: 1 }), options));
    expect(problems.sort()).toEqual(['', 'category', 'session_id', 'timestamp']);
  });

  it('refuses a timestamp in the future beyond the allowance, and allows one within it', () => {
    expect(paths(normalise(ref({ ...event, timestamp: '2023-01-01T12:01:01Z' }), options))).toEqual(['timestamp']);
    expect(paths(normalise(ref({ ...event, timestamp: '2023-01-01T12:00:59Z' }), options))).toEqual([]);
  });

  it("corrects the client's clock skew with its own sent_at: received_at − (sent_at − timestamp)", () => {
    // the client's clock is 2 hours ahead: it says the event happened 10 s before it sent it
    const normalised = value(normalise(ref({ ...event, timestamp: '2023-01-01T13:59:50Z', sent_at: '2023-01-01T14:00:00Z' }), options));
    expect(normalised.times).toEqual({
      timestamp: parseTimestamp(receivedAt)! - 10_000_000n,
      clientTimestamp: parseTimestamp('2023-01-01T13:59:50Z'),
      sentAt: parseTimestamp('2023-01-01T14:00:00Z'),
    });
  });

  it("uses the batch's sent_at when the event has none, and its own when it has one", () => {
    const batch = { sent_at: '2023-01-01T14:00:00Z' };
    expect(value(normalise(ref({ ...event, timestamp: '2023-01-01T13:59:00Z' }, batch), options)).times?.timestamp).toBe(parseTimestamp(receivedAt)! - 60_000_000n);
    expect(value(normalise(ref({ ...event, timestamp: '2023-01-01T13:59:00Z', sent_at: '2023-01-01T13:59:30Z' }, batch), options)).times?.timestamp).toBe(
      parseTimestamp(receivedAt)! - 30_000_000n,
    );
  });

  it("refuses an event whose batch sent_at is not a timestamp", () => {
    expect(paths(normalise(ref(event, { sent_at: 12 }), options))).toEqual(['sent_at']);
  });

  it.each([
    ['9999-12-31T23:59:59-14:00', undefined, 'timestamp'],
    ['0001-01-01 00:00:00', '9999-12-31 00:00:00', 'timestamp'],
  ])('refuses timestamps that would fall outside the years 1 to 9999 (%s sent at %s)', (timestamp, sentAt, path) => {
    expect(paths(normalise(ref({ ...event, timestamp, ...(sentAt ? { sent_at: sentAt } : {}) }), options))).toEqual([path]);
  });

  it('keeps data exactly as sent, an own "__proto__" key included', () => {
    const raw = JSON.parse('{"session_id":"e2085be5-9137-4e4e-80b5-f1ffddc25423","category":"c","name":"n","timestamp":"2023-01-01 00:00:00","data":{"__proto__":{"x":1},"constructor":2}}');
    const data = value(normalise(ref(raw), options)).kind!.data;
    expect(Object.keys(data)).toEqual(['__proto__', 'constructor']);
    expect(JSON.stringify(data)).toBe('{"__proto__":{"x":1},"constructor":2}');
  });

  it('lets data nest 32 levels (data itself the first) and ends an event nested 33 levels as unstorable', () => {
    const nested = (levels: number): Record<string, unknown> => (levels === 1 ? {} : { next: nested(levels - 1) });
    expect(normalise(ref({ ...event, data: nested(32) }), options).ok).toBe(true);
    const deeper = normalise(ref({ ...event, data: nested(33) }), options);
    expect(deeper).toMatchObject({ ok: false, error: { reasons: [{ message: 'is nested deeper than 32 levels' }] } });
  });

  it('ends an event holding NUL, keeping a storable copy', () => {
    const verdict = normalise(ref({ ...event, data: { text: 'a\u0000b' } }), options);
    expect(verdict).toMatchObject({ ok: false, error: { reasons: [{ path: 'data.text' }], raw: { data: { text: 'a\uFFFDb' } } } });
  });
});
