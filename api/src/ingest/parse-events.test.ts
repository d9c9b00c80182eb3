import { ApiError } from '../errors.js';
import { parseEvents } from './parse-events.js';

const limits = { maxEventBytes: 200, maxBatchEvents: 3 };
const parse = (body: unknown) => parseEvents(Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), limits);
const failure = (body: unknown): ApiError => {
  try {
    parse(body);
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the body to be refused');
};

describe('parsing a POST /events body', () => {
  it('takes one event object as a batch of one, with a new id', () => {
    const { events } = parse({ name: 'pageview' });
    expect(events).toHaveLength(1);
    expect(events[0]!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(events[0]!.json)).toEqual({ name: 'pageview' });
  });

  it("keeps the client's event_id so retries are idempotent", () => {
    const id = '0A6D9F3E-3C1B-4F5A-9A2B-1C2D3E4F5A6B';
    expect(parse([{ event_id: id }]).events[0]!.id).toBe(id.toLowerCase());
  });

  it('refuses numbers that parsing would change, naming them, and keeps every other number and key as sent', () => {
    const refused = failure('{"data": {"a": 1e400, "b": 9007199254740993, "c": "1e400"}}');
    expect(refused).toMatchObject({ status: 400, code: 'inexact_number' });
    expect(refused.message).toContain('1e400, 9007199254740993');
    const { events } = parse('{"data": {"__proto__": {"x": 0.1}, "big": 9007199254740991, "tiny": 5e-324, "z": -0}}');
    expect(events[0]!.json).toBe('{"data":{"__proto__":{"x":0.1},"big":9007199254740991,"tiny":5e-324,"z":0}}');
  });

  it('takes an array and the {batch, sent_at} form', () => {
    expect(parse([{ a: 1 }, { b: 2 }]).events).toHaveLength(2);
    const batch = parse({ batch: [{ a: 1 }], sent_at: '2023-01-01T00:00:00Z' });
    expect(batch).toMatchObject({ sentAt: '2023-01-01T00:00:00Z' });
    expect(batch.events).toHaveLength(1);
  });

  it.each([
    ['{"a": 1', 400, 'invalid_json'],
    ['42', 400, 'invalid_body'],
    ['null', 400, 'invalid_body'],
    ['"text"', 400, 'invalid_body'],
    ['[]', 400, 'empty_batch'],
    ['[1]', 400, 'invalid_event'],
    ['[{}, []]', 400, 'invalid_event'],
    ['{"batch": {}}', 400, 'invalid_body'],
    ['[{"event_id": "nope"}]', 400, 'invalid_event_id'],
    ['[{}, {}, {}, {}]', 413, 'batch_too_large'],
  ])('refuses %s with %i %s', (body, status, code) => {
    expect(failure(body)).toMatchObject({ status, code });
  });

  it('refuses a body that is not UTF-8', () => {
    const error = (() => {
      try {
        parseEvents(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), limits);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toMatchObject({ status: 400, code: 'invalid_encoding' });
  });

  it('names the index of an event that is too large instead of dropping it', () => {
    const error = failure([{ a: 1 }, { a: 1 }, { big: 'x'.repeat(300) }]);
    expect(error).toMatchObject({ status: 413, code: 'event_too_large', extra: { details: [{ path: '[2]' }] } });
    expect(error.message).toContain('event 2');
  });

  it('keeps "__proto__" as an ordinary field of the event', () => {
    const { events } = parse('{"__proto__": {"polluted": true}, "name": "x"}');
    expect(JSON.parse(events[0]!.json)).toHaveProperty(['__proto__', 'polluted'], true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
