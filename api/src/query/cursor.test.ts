import { ApiError } from '../errors.js';
import { decodeCursor, encodeCursor, eventCursorId, eventErrorCursorId } from './cursor.js';

describe('page cursors', () => {
  it('round-trips the position of the last row, microseconds included', () => {
    const position = { time: '2023-01-01T09:15:27.243860Z', id: '6f1c3c1e-5b7a-4d2e-8f3a-2b1c0d9e8f7a' };
    expect(decodeCursor(encodeCursor(position), eventCursorId)).toEqual(position);
  });

  it.each([
    ['not base64 JSON', 'garbage'],
    ['a time PostgreSQL would not read', encodeCursor({ time: '1', id: '6f1c3c1e-5b7a-4d2e-8f3a-2b1c0d9e8f7a' })],
    ['an id of the wrong kind', encodeCursor({ time: '2023-01-01T00:00:00Z', id: 'abc' })],
  ])('refuses %s with a 400 naming the cursor', (_label, text) => {
    expect(() => decodeCursor(text, eventCursorId)).toThrow(ApiError);
    expect(() => decodeCursor(text, eventCursorId)).toThrow(/^cursor:/);
  });

  it('refuses an invalid-event id beyond bigint', () => {
    expect(() => decodeCursor(encodeCursor({ time: '2023-01-01T00:00:00Z', id: '9'.repeat(19) }), eventErrorCursorId)).toThrow(ApiError);
    expect(decodeCursor(encodeCursor({ time: '2023-01-01T00:00:00Z', id: '42' }), eventErrorCursorId).id).toBe('42');
  });
});
