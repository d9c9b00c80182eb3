import type { ChannelModel, ConfirmChannel } from 'amqplib';
import {
  confirmedWithin,
  drained,
  publishConfirmed,
  PublishUnconfirmed,
  recoverConnectionWhenClosed,
  storedEventRoutingKey,
  type StoredEventMessage,
} from '@argus/shared';

export type StoredEventStream = {
  /** Opens the publishing channel on a (re)connected broker connection. */
  open(model: ChannelModel): Promise<void>;
  /** Resolves once the broker confirmed every event; rejects with PublishUnconfirmed otherwise. */
  publish(events: readonly StoredEventMessage[]): Promise<void>;
  close(): void;
};

/**
 * Publishes stored events to the topic exchange, one message per event, on a confirm channel. A
 * batch's messages are acked only after this resolves, so an event is never stored without being
 * published: a crash in between redelivers the batch, which publishes it again.
 */
export function createStoredEventStream(options: { exchange: string; confirmTimeoutMs: number }): StoredEventStream {
  let channel: ConfirmChannel | undefined;
  let closing = false;

  async function publishAll(target: ConfirmChannel, events: readonly StoredEventMessage[]): Promise<void> {
    const confirms: Promise<void>[] = [];
    for (const event of events) {
      const { written, confirmed } = publishConfirmed(target, options.exchange, storedEventRoutingKey(event), Buffer.from(JSON.stringify(event)), {
        persistent: true,
        contentType: 'application/json',
        messageId: event.id,
        type: `${event.category}/${event.name}`,
      });
      confirms.push(confirmed);
      // the socket's buffer is full: let it drain rather than queue the whole batch in memory
      if (!written) await drained(target);
    }
    await Promise.all(confirms);
  }

  return {
    async open(model) {
      const opened = await model.createConfirmChannel();
      recoverConnectionWhenClosed(model, opened, () => closing);
      opened.on('close', () => {
        if (channel === opened) channel = undefined;
      });
      channel = opened;
    },

    async publish(events) {
      if (events.length === 0) return;
      const target = channel;
      if (!target) throw new PublishUnconfirmed('not connected to the broker');
      await confirmedWithin(target, options.confirmTimeoutMs, () => publishAll(target, events));
    },

    close() {
      closing = true;
    },
  };
}
