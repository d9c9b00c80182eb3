import { z } from 'zod';
import type { Problem } from './entities/event-error.js';

/**
 * A stored event as Argus shows it: the query api, the stream of stored events, webhook bodies.
 * Timestamps are ISO text with microseconds. A function for the same reason as incomingEventSchema.
 */
export const storedEventSchema = () =>
  z.object({
    // guid, not uuid: event and session ids are any UUID-shaped text the contract accepts, version or not
    id: z.guid(),
    application_id: z.guid(),
    session_id: z.guid(),
    category: z.string(),
    name: z.string(),
    data: z.record(z.string(), z.unknown()),
    timestamp: z.string(),
    client_timestamp: z.string(),
    sent_at: z.string().nullable(),
    received_at: z.string(),
    request_id: z.string(),
    /** The version of the application's schema for this kind that validated it; null when none applied. */
    schema_version: z.number().int().nullable(),
    user_id: z.string().nullable(),
    anonymous_id: z.string().nullable(),
    context: z.record(z.string(), z.unknown()).nullable(),
    integrations: z.record(z.string(), z.unknown()).nullable(),
  });
export type StoredEventJson = z.infer<ReturnType<typeof storedEventSchema>>;

/**
 * The stream of stored events: after committing an event the worker publishes it to a topic
 * exchange, so that downstream consumers (webhook destinations, other systems) can subscribe to the
 * kinds they care about. Delivery is at least once: a redelivered ingest message publishes its
 * events again, so consumers deduplicate by `id`.
 */
export const storedEventMessageSchema = () => storedEventSchema().extend({ application: z.string() });
export type StoredEventMessage = StoredEventJson & { application: string };

/** A valid event as the worker stores it in `events`; timestamps are ISO text with microseconds. */
export type EventRow = {
  id: string;
  applicationId: string;
  sessionId: string;
  category: string;
  name: string;
  data: Record<string, unknown>;
  timestamp: string;
  clientTimestamp: string;
  sentAt: string | null;
  receivedAt: string;
  requestId: string;
  schemaVersion: number | null;
  userId: string | null;
  anonymousId: string | null;
  context: Record<string, unknown> | null;
  integrations: Record<string, unknown> | null;
  /** The event as the client sent it, kept in case it is filed as an error after all. */
  raw: unknown;
};

/** An invalid event as `event_errors` keeps it: whole, with every reason. */
export type ErrorRow = {
  eventId: string;
  applicationId: string;
  raw: unknown;
  reasons: Problem[];
  receivedAt: string;
  requestId: string;
};

/** A stored row as the stream of stored events carries it. */
export function storedEventMessage(row: EventRow, application: string): StoredEventMessage {
  return {
    id: row.id,
    application_id: row.applicationId,
    application,
    session_id: row.sessionId,
    category: row.category,
    name: row.name,
    data: row.data,
    timestamp: row.timestamp,
    client_timestamp: row.clientTimestamp,
    sent_at: row.sentAt,
    received_at: row.receivedAt,
    request_id: row.requestId,
    schema_version: row.schemaVersion,
    user_id: row.userId,
    anonymous_id: row.anonymousId,
    context: row.context,
    integrations: row.integrations,
  };
}

/**
 * One routing-key word: lowercase, and anything but letters, digits, `_` and `-` turned into `_`, so
 * that "Page Interaction" becomes `page_interaction` and no name can inject the `.`, `*` or `#` of
 * topic patterns. Distinct names may share a word; the message body keeps the exact ones.
 */
export function routingKeyWord(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9_-]/g, '_');
}

/** `<application>.<category>.<name>`, each a routing-key word. */
export function storedEventRoutingKey(event: Pick<StoredEventMessage, 'application' | 'category' | 'name'>): string {
  return [event.application, event.category, event.name].map(routingKeyWord).join('.');
}

/** Timestamps leave PostgreSQL as text with all six fractional digits: a JS Date would drop the microseconds. */
export const isoTimestampText = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The SELECT list of a `StoredEventJson` from the `events` table under the name `table`. */
export function storedEventColumns(table: string): string {
  const column = (name: string) => `${table}.${name}`;
  return `${column('id')} AS id, ${column('application_id')} AS application_id, ${column('session_id')} AS session_id,
  ${column('category')} AS category, ${column('name')} AS name, ${column('data')} AS data,
  ${isoTimestampText(column('timestamp'))} AS timestamp, ${isoTimestampText(column('client_timestamp'))} AS client_timestamp,
  ${isoTimestampText(column('sent_at'))} AS sent_at, ${isoTimestampText(column('received_at'))} AS received_at, ${column('request_id')} AS request_id,
  ${column('schema_version')} AS schema_version, ${column('user_id')} AS user_id, ${column('anonymous_id')} AS anonymous_id,
  ${column('context')} AS context, ${column('integrations')} AS integrations`;
}
