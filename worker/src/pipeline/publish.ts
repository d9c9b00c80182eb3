import { storedEventMessage, type StoredEventMessage } from '@argus/shared';
import type { Stored } from './store.js';

/** Where stored events go on to: the topic exchange of stored events, or a fake in tests. */
export type StreamPublisher = { publish(events: readonly StoredEventMessage[]): Promise<void> };

/**
 * Step 5: every event now in the table, to the stream of stored events, in timestamp order (ISO text
 * sorts as time) so that subscribers see a session's events of one batch in order. Resolves once the
 * broker confirmed them all: the batch is acked only after that, so a crash in between publishes again.
 */
export async function publish(stored: Stored, stream: StreamPublisher): Promise<void> {
  if (stored.events.length === 0) return;
  const ordered = [...stored.events].sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
  await stream.publish(ordered.map((event) => storedEventMessage(event, stored.names.get(event.applicationId) ?? event.applicationId)));
}
