import { checkEnvelope, type EnvelopeContext } from './envelope.js';
import { parseTimestamp } from './timestamp.js';

const receivedAt = parseTimestamp('2023-01-01T12:00:00Z')!;
const context: EnvelopeContext = { receivedAt, clockSkewAllowanceMicros: 60_000_000 };
const event = {
  session_id: 'e2085be5-9137-4e4e-80b5-f1ffddc25423',
  category: 'page interaction',
  name: 'pageview',
  data: { host: 'www.example.com', path: '/' },
  timestamp: '2023-01-01 09:15:27.243860',
};

describe('the event envelope', () => {
  it('accepts a well-formed event and keeps its timestamp when no sent_at is given', () => {
    const result = checkEnvelope(event, context);
    expect(result).toMatchObject({ ok: true, value: { timestamp: parseTimestamp(event.timestamp), sentAt: undefined } });
  });

  it.each([
    [{ session_id: 'not-a-uuid' }, 'session_id'],
    [{ category: '' }, 'category'],
    [{ name: 'x'.repeat(101) }, 'name'],
    [{ category: 42 }, 'category'],
    [{ data: [] }, 'data'],
    [{ data: 'text' }, 'data'],
    [{ timestamp: 'soon' }, 'timestamp'],
    [{ sent_at: 'later' }, 'sent_at'],
    [{ event_id: 'abc' }, 'event_id'],
    [{ schema_version: 0 }, 'schema_version'],
    [{ schema_version: 1.5 }, 'schema_version'],
    [{ schema_version: '2' }, 'schema_version'],
    [{ colour: 'blue' }, ''],
  ])('names the field at fault in %j', (change, path) => {
    const result = checkEnvelope({ ...event, ...change }, context);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((problem) => problem.path)).toContain(path);
  });

  it('carries the schema version an event names', () => {
    expect(checkEnvelope({ ...event, schema_version: 2 }, context)).toMatchObject({ ok: true, value: { event: { schema_version: 2 } } });
  });

  it('names every missing field', () => {
    const result = checkEnvelope({}, context);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems.map((problem) => problem.path).sort()).toEqual(['category', 'data', 'name', 'session_id', 'timestamp']);
    }
  });

  it('refuses a timestamp in the future beyond the allowance, and allows one within it', () => {
    const future = checkEnvelope({ ...event, timestamp: '2023-01-01T12:01:01Z' }, context);
    expect(future).toMatchObject({ ok: false, problems: [{ path: 'timestamp' }] });
    expect(checkEnvelope({ ...event, timestamp: '2023-01-01T12:00:59Z' }, context).ok).toBe(true);
  });

  it("corrects the client's clock skew with its own sent_at: received_at − (sent_at − timestamp)", () => {
    // the client's clock is 2 hours ahead: it says the event happened 10 s before it sent it
    const result = checkEnvelope({ ...event, timestamp: '2023-01-01T13:59:50Z', sent_at: '2023-01-01T14:00:00Z' }, context);
    expect(result).toMatchObject({
      ok: true,
      value: {
        timestamp: receivedAt - 10_000_000,
        clientTimestamp: parseTimestamp('2023-01-01T13:59:50Z'),
        sentAt: parseTimestamp('2023-01-01T14:00:00Z'),
      },
    });
  });

  it("uses the batch's sent_at when the event has none, and its own when it has one", () => {
    const batch = { ...context, batchSentAt: '2023-01-01T14:00:00Z' };
    expect(checkEnvelope({ ...event, timestamp: '2023-01-01T13:59:00Z' }, batch)).toMatchObject({ value: { timestamp: receivedAt - 60_000_000 } });
    expect(
      checkEnvelope({ ...event, timestamp: '2023-01-01T13:59:00Z', sent_at: '2023-01-01T13:59:30Z' }, batch),
    ).toMatchObject({ value: { timestamp: receivedAt - 30_000_000 } });
  });

  it("refuses an event whose batch sent_at is not a timestamp", () => {
    expect(checkEnvelope(event, { ...context, batchSentAt: 12 })).toMatchObject({ ok: false, problems: [{ path: 'sent_at' }] });
  });
});
