import { ArgusEventError } from './errors.js';
import type { TrackedEvent } from './event-kinds.js';

/** An event as it waits in the queue: serialised once, with its size, so batching never re-serialises. */
export type QueuedEvent = {
  /** Position in tracking order; flush() waits up to a position. */
  seq: number;
  id: string;
  json: string;
  bytes: number;
  queuedAt: number;
};

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const encoder = new TextEncoder();

/**
 * Gives the event its id (so every retry of it is idempotent) and timestamp, serialises it in the
 * server's field names and refuses it here, with a clear error, when the server would refuse it.
 */
export function prepareEvent(event: Omit<TrackedEvent, 'data'> & { data: unknown }, seq: number, maxEventBytes: number): QueuedEvent {
  const id = event.eventId ?? crypto.randomUUID();
  if (!uuid.test(id)) throw new ArgusEventError('invalid_event_id', `eventId must be a UUID, not "${id}"`);
  const timestamp = event.timestamp ?? new Date();
  let json: string;
  try {
    json = JSON.stringify({
      event_id: id,
      session_id: event.sessionId,
      category: event.category,
      name: event.name,
      data: event.data,
      timestamp: timestamp instanceof Date ? timestamp.toISOString() : timestamp,
      schema_version: event.schemaVersion,
    });
  } catch (error) {
    throw new ArgusEventError('event_not_serialisable', `the event cannot be serialised as JSON: ${(error as Error).message}`);
  }
  const bytes = encoder.encode(json).byteLength;
  if (bytes > maxEventBytes) {
    throw new ArgusEventError(
      'event_too_large',
      `the ${event.category}/${event.name} event is ${bytes} bytes serialised; the server accepts at most ${maxEventBytes}`,
    );
  }
  return { seq, id, json, bytes, queuedAt: Date.now() };
}
