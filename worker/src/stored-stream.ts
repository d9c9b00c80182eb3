import type { ConfirmChannel } from 'amqplib';
import { confirmedPublisher, drained, publishConfirmed, storedEventRoutingKey, type ConfirmedPublisher, type StoredEventMessage } from '@argus/shared';
import type { StreamPublisher } from './pipeline/publish.js';

export type StoredEventStream = StreamPublisher & Pick<ConfirmedPublisher, 'open' | 'close'>;

/**
 * Publishes stored events to the topic exchange, one message per event, on a confirm channel. A
 * batch's messages are acked only after this resolves, so an event is never stored without being
 * published: a crash in between redelivers the batch, which publishes it again. A publish that is
 * nacked or not confirmed in time gives its channel up for a fresh one (see renewableConfirmChannel).
 */
export function createStoredEventStream(options: { exchange: string; confirmTimeoutMs: number }): StoredEventStream {
  const publisher = confirmedPublisher(options.confirmTimeoutMs);

  async function publishAll(target: ConfirmChannel, events: readonly StoredEventMessage[], onConfirmed: (id: string) => void): Promise<void> {
    const confirms: Promise<void>[] = [];
    for (const event of events) {
      const { written, confirmed } = publishConfirmed(target, options.exchange, storedEventRoutingKey(event), Buffer.from(JSON.stringify(event)), {
        persistent: true,
        contentType: 'application/json',
        messageId: event.id,
        type: `${event.category}/${event.name}`,
      });
      confirms.push(confirmed.then(() => onConfirmed(event.id)));
      // the socket's buffer is full: let it drain rather than queue the whole batch in memory
      if (!written) await drained(target);
    }
    // every confirm is in before this settles, so that the caller knows each one that came
    const outcomes = await Promise.allSettled(confirms);
    const failed = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
  }

  return {
    open: publisher.open,
    close: publisher.close,
    async publish(events, onConfirmed = () => {}) {
      if (events.length === 0) return;
      await publisher.publish((channel) => publishAll(channel, events, onConfirmed));
    },
  };
}
