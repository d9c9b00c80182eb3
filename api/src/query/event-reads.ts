import { isoTimestampText, storedEventColumns, type StoredEventJson } from '@argus/shared';
import type { DataSource } from 'typeorm';
import { encodeCursor } from './cursor.js';
import { containmentConditions, nestAt } from './containment.js';
import type { EventQuery } from './parse-filters.js';

/** The aliases shadow the columns in ORDER BY, which therefore names the table: ordering by the text would forgo the indexes. */
const eventColumns = storedEventColumns('events');

export type StoredEventRow = StoredEventJson;

export type EventErrorRow = {
  id: string;
  event_id: string;
  application_id: string;
  event: unknown;
  reasons: { path: string; message: string }[];
  received_at: string;
  request_id: string;
};

export type Page<T> = { items: T[]; nextCursor: string | null };

/** Collects SQL parameters and hands back their placeholders. */
function parameters() {
  const values: unknown[] = [];
  return { values, bind: (value: unknown) => `$${values.push(value)}` };
}

/**
 * Stored events matching the query, in (timestamp, id) order, one page at a time. Keyset
 * pagination: the next page starts after the last row, so events stored meanwhile never shift a page.
 */
export async function listEvents(db: DataSource, query: EventQuery): Promise<Page<StoredEventRow>> {
  const { sql, values } = eventListSql(query);
  const rows: StoredEventRow[] = await db.query(sql, values);
  return pageOf(rows, query.limit, (row) => ({ time: row.timestamp, id: row.id }));
}

export type Sql = { sql: string; values: unknown[] };

/** The statement behind listEvents, apart so that its plan can be checked (EXPLAIN). */
export function eventListSql(query: EventQuery): Sql {
  const { values, bind } = parameters();
  const where: string[] = [];
  if (query.applicationId) where.push(`application_id = ${bind(query.applicationId)}`);
  if (query.sessionId) where.push(`session_id = ${bind(query.sessionId)}`);
  if (query.category) where.push(`category = ${bind(query.category)}`);
  if (query.name) where.push(`name = ${bind(query.name)}`);
  if (query.userId) where.push(`user_id = ${bind(query.userId)}`);
  if (query.anonymousId) where.push(`anonymous_id = ${bind(query.anonymousId)}`);
  if (query.from) where.push(`timestamp >= ${bind(query.from)}::timestamptz`);
  if (query.to) where.push(`timestamp < ${bind(query.to)}::timestamptz`);
  if (query.after) where.push(`(timestamp, id) > (${bind(query.after.time)}::timestamptz, ${bind(query.after.id)}::uuid)`);
  where.push(...containmentConditions('data', query.data, [], bind));
  const sql = `SELECT ${eventColumns} FROM events ${whereClause(where)} ORDER BY events.timestamp, events.id LIMIT ${bind(query.limit + 1)}`;
  return { sql, values };
}

export async function findEvent(db: DataSource, id: string, applicationId: string | undefined): Promise<StoredEventRow | undefined> {
  const { values, bind } = parameters();
  const where = [`id = ${bind(id)}`];
  if (applicationId) where.push(`application_id = ${bind(applicationId)}`);
  const rows: StoredEventRow[] = await db.query(`SELECT ${eventColumns} FROM events ${whereClause(where)}`, values);
  return rows[0];
}

/**
 * Invalid events, in (received_at, id) order. They have no trusted columns beyond the application,
 * so session, kind and data filters look inside the event as sent (`raw`, GIN-indexed), and the
 * time filters apply to when Argus received it.
 */
export async function listEventErrors(db: DataSource, query: EventQuery): Promise<Page<EventErrorRow>> {
  const { sql, values } = eventErrorListSql(query);
  const rows: EventErrorRow[] = await db.query(sql, values);
  return pageOf(rows, query.limit, (row) => ({ time: row.received_at, id: row.id }));
}

export function eventErrorListSql(query: EventQuery): Sql {
  const { values, bind } = parameters();
  const where: string[] = [];
  if (query.applicationId) where.push(`application_id = ${bind(query.applicationId)}`);
  const fields = { session_id: query.sessionId, category: query.category, name: query.name, user_id: query.userId, anonymous_id: query.anonymousId };
  for (const [field, value] of Object.entries(fields)) {
    if (value !== undefined) where.push(`raw @> ${bind(JSON.stringify(nestAt([field], value)))}::jsonb`);
  }
  if (query.from) where.push(`received_at >= ${bind(query.from)}::timestamptz`);
  if (query.to) where.push(`received_at < ${bind(query.to)}::timestamptz`);
  if (query.after) where.push(`(received_at, id) > (${bind(query.after.time)}::timestamptz, ${bind(query.after.id)}::bigint)`);
  where.push(...containmentConditions('raw', query.data, ['data'], bind));
  const sql = `SELECT id::text AS id, event_id, application_id, raw AS event, reasons, ${isoTimestampText('received_at')} AS received_at, request_id
     FROM event_errors ${whereClause(where)} ORDER BY event_errors.received_at, event_errors.id LIMIT ${bind(query.limit + 1)}`;
  return { sql, values };
}

const whereClause = (conditions: string[]) => (conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '');

/** One row more than the page was fetched: its presence is what says there is a next page. */
function pageOf<T>(rows: T[], limit: number, positionOf: (row: T) => { time: string; id: string }): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(positionOf(last)) : null };
}
