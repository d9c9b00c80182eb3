import { z } from 'zod';
import { badRequest } from '../errors.js';
import { timestampParameter } from '../schemas.js';

/** Ids that may follow a timestamp in a cursor: event ids (uuid), invalid-event ids (bigint). */
export const eventCursorId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// 18 digits stay below bigint's maximum, so PostgreSQL never refuses a cursor's id
export const eventErrorCursorId = /^\d{1,18}$/;

/** The last row of a page: the next page starts strictly after it in (time, id) order. */
export type Cursor = { time: string; id: string };

const cursorSchema = z.object({ t: timestampParameter, i: z.string().min(1).max(40) });

/** Opaque to clients (base64url JSON) so the keyset behind it may change without breaking them. */
export const encodeCursor = (cursor: Cursor): string => Buffer.from(JSON.stringify({ t: cursor.time, i: cursor.id })).toString('base64url');

export function decodeCursor(text: string, idPattern: RegExp): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const result = cursorSchema.safeParse(parsed);
  if (!result.success || !idPattern.test(result.data.i)) {
    throw badRequest('invalid_parameter', 'cursor: not a cursor this api issued; pass next_cursor unchanged', [{ path: 'cursor', message: 'invalid cursor' }]);
  }
  return { time: result.data.t, id: result.data.i };
}
