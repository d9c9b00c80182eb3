import type { TokenClaims } from '@argus/shared';
import { badRequest, forbidden, invalidInput } from '../errors.js';
import type { EventFilters, eventFiltersQuery, sessionEventsQuery } from '../schemas.js';
import { decodeCursor, type Cursor } from './cursor.js';

/** `data.a.b=v`: the event's data must hold v at a.b. */
export type DataFilter = { path: string[]; value: string };

/** Every filter a read can carry, validated and scoped to what the token may see. */
export type EventQuery = {
  /** undefined: every application (admin tokens only). */
  applicationId: string | undefined;
  sessionId?: string;
  category?: string;
  name?: string;
  userId?: string;
  anonymousId?: string;
  from?: string;
  to?: string;
  data: DataFilter[];
  limit: number;
  after?: Cursor;
};

const dataPrefix = 'data.';
const fieldName = /^[^.]+$/;

/**
 * Turns a query string (express "simple" parser: a repeated parameter is an array) into an
 * EventQuery, or throws a 400 naming the parameter at fault. Non-admin tokens read their own
 * application only.
 */
export function parseEventQuery(
  query: Record<string, unknown>,
  schema: typeof eventFiltersQuery | typeof sessionEventsQuery,
  claims: TokenClaims,
  cursorId: RegExp,
): EventQuery {
  const data: DataFilter[] = [];
  const rest: [string, unknown][] = [];
  for (const [key, value] of Object.entries(query)) {
    if (Array.isArray(value)) throw invalidParameter(key, 'give this parameter once');
    // PostgreSQL text and jsonb cannot hold NUL: refuse it here rather than fail in the database
    if (String(value).includes('\u0000') || key.includes('\u0000')) throw invalidParameter(key, 'must not contain the NUL character');
    if (!key.startsWith(dataPrefix)) {
      rest.push([key, value]);
      continue;
    }
    const path = key.slice(dataPrefix.length).split('.');
    if (!path.every((part) => fieldName.test(part))) throw invalidParameter(key, 'name a field of data, e.g. data.email or data.user.id');
    data.push({ path, value: String(value) });
  }
  // fromEntries defines each key, so `__proto__` is a parameter like any other (refused), not a prototype
  const parsed = schema.safeParse(Object.fromEntries(rest));
  if (!parsed.success) throw invalidInput('invalid_parameter', parsed.error);
  // the session route takes its session from the path: every other filter is common to both
  const filters: Omit<EventFilters, 'session_id'> & Partial<Pick<EventFilters, 'session_id'>> = parsed.data;
  const isAdmin = claims.scopes.includes('admin');
  if (filters.application_id !== undefined && !isAdmin) throw forbidden('application_id: reading another application needs the "admin" scope');
  return {
    applicationId: isAdmin ? filters.application_id : claims.applicationId,
    sessionId: filters.session_id,
    category: filters.category,
    name: filters.name,
    userId: filters.user_id,
    anonymousId: filters.anonymous_id,
    from: filters.from,
    to: filters.to,
    data,
    limit: filters.limit,
    after: filters.cursor === undefined ? undefined : decodeCursor(filters.cursor, cursorId),
  };
}

function invalidParameter(name: string, message: string) {
  return badRequest('invalid_parameter', `${name}: ${message}`, [{ path: name, message }]);
}
