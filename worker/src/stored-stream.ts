import type { ChannelModel, ConfirmChannel } from 'amqplib';
import {
  confirmedWithin,
  drained,
  publishConfirmed,
  PublishUnconfirmed,
  renewableConfirmChannel,
  storedEventRoutingKey,
  type RenewableConfirmChannel,
  type StoredEventMessage,
} from '@argus/shared';
import type { StreamPublisher } from './pipeline/publish.js';

export type StoredEventStream = StreamPublisher & {
  /** Opens the publishing channel on a (re)connected broker connection. */
  open(model: ChannelModel): Promise<void>;
  close(): void;
};

/**
 * Publishes stored events to the topic exchange, one message per event, on a confirm channel. A
 * batch's messages are acked only after this resolves, so an event is never stored without being
 * published: a crash in between redelivers the batch, which publishes it again. A publish that is
 * nacked or not confirmed in time gives its channel up for a fresh one (see renewableConfirmChannel).
 */
export function createStoredEventStream(options: { exchange: string; confirmTimeoutMs: number }): StoredEventStream {
  let slot: RenewableConfirmChannel | undefined;
  let closing = false;

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
    async open(model) {
      slot = renewableConfirmChannel(model, { isStopping: () => closing });
      await slot.get();
    },

    async publish(events, onConfirmed = () => {}) {
      if (events.length === 0) return;
      const current = slot;
      if (!current) throw new PublishUnconfirmed('not connected to the broker');
      const target = await current.get().catch((error: Error) => {
        throw new PublishUnconfirmed(`the broker refused a channel (${error.message})`);
      });
      try {
        await confirmedWithin(target, options.confirmTimeoutMs, () => publishAll(target, events, onConfirmed));
      } catch (error) {
        current.renew(target);
        throw error;
      }
    },

    close() {
      closing = true;
    },
  };
}
