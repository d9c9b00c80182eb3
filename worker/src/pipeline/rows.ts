import type { Problem, StoredEventMessage } from '@argus/shared';

/** A valid event as the `events` table stores it; timestamps are ISO strings with microseconds. */
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
  /** The version of the application's schema that validated it; null when none applied. */
  schemaVersion: number | null;
  /** The event as the client sent it, kept in case the database files it as an error after all. */
  raw: unknown;
};

/** An invalid event as `event_errors` stores it: whole, with every reason. */
export type ErrorRow = {
  eventId: string;
  applicationId: string;
  raw: unknown;
  reasons: Problem[];
  receivedAt: string;
  requestId: string;
};

/** A stored event as the stream of stored events carries it. */
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
  };
}
