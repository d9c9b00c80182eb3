import { storedEventMessage, type StoredEventMessage } from '@argus/shared';
import type { Stored } from './store.js';

/** Where stored events go on to: the topic exchange of stored events, or a fake in tests. */
export type StreamPublisher = {
  /**
   * Resolves once the broker confirmed every event; otherwise rejects, having called `onConfirmed`
   * with the id of each event it did confirm.
   */
  publish(events: readonly StoredEventMessage[], onConfirmed?: (id: string) => void): Promise<void>;
};

/**
 * Step 5: every event now in the table, to the stream of stored events, in timestamp order (ISO text
 * sorts as time) so that subscribers see a session's events of one batch in order. Resolves once the
 * broker confirmed them all: the batch is acked only after that, so a crash in between publishes again.
 *
 * Returns the step as an operation to retry: a retry publishes only the events the broker has not
 * confirmed yet, so that a failover multiplies nothing a subscriber or destination receives.
 */
export function publisher(stored: Stored, stream: StreamPublisher): () => Promise<void> {
  const ordered = [...stored.events].sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
  let unconfirmed = ordered.map((event) => storedEventMessage(event, stored.names.get(event.applicationId) ?? event.applicationId));
  return async () => {
    if (unconfirmed.length === 0) return;
    const confirmed = new Set<string>();
    try {
      await stream.publish(unconfirmed, (id) => confirmed.add(id));
    } finally {
      unconfirmed = unconfirmed.filter((event) => !confirmed.has(event.id));
    }
  };
}
