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
