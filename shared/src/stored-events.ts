/**
 * The stream of stored events: after committing an event the worker publishes it to a topic
 * exchange, so that downstream consumers (webhook destinations, other systems) can subscribe to the
 * kinds they care about. Delivery is at least once: a redelivered ingest message publishes its
 * events again, so consumers deduplicate by `id`.
 */
export type StoredEventMessage = StoredEventJson & { application: string };

/** A stored event as Argus shows it (query api, stream): timestamps as ISO text with microseconds. */
export type StoredEventJson = {
  id: string;
  application_id: string;
  session_id: string;
  category: string;
  name: string;
  data: Record<string, unknown>;
  timestamp: string;
  client_timestamp: string;
  sent_at: string | null;
  received_at: string;
  request_id: string;
  /** The version of the application's schema for this kind that validated it; null when none applied. */
  schema_version: number | null;
};

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
  ${column('schema_version')} AS schema_version`;
}
