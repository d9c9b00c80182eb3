import type { ChannelModel, ConfirmChannel } from 'amqplib';
import { assertRetryQueue, confirmedPublisher, publishConfirmed, retryLevelHeader, wakeUpMessageType, type Topology } from '@argus/shared';
import { z } from 'zod';

export type WakeUp = { destinationId: string; sessionId: string; level: number; delayMs: number };

export type WakeUps = {
  /** Resolves once the broker holds the wake-up in the retry queue of its level. */
  schedule(wakeUp: WakeUp): Promise<void>;
};

const wakeUpBody = z.object({ destination_id: z.string(), session_id: z.string() });

export const parseWakeUp = (content: Buffer) => wakeUpBody.parse(JSON.parse(content.toString('utf8')));

/**
 * Publishes wake-ups on a confirm channel of the given connection (a fresh one after a failed
 * publish: see confirmedPublisher). Each waits in the retry queue of its level until its
 * expiration, then comes back to its destination's queue; nothing sleeps in the worker meanwhile.
 * Retry queues are declared on first use, so installs that never retry have none.
 */
export async function openWakeUps(model: ChannelModel, options: { topology: Topology; confirmTimeoutMs: number; isStopping: () => boolean }): Promise<WakeUps> {
  const publisher = confirmedPublisher(options.confirmTimeoutMs, options.isStopping);
  await publisher.open(model);
  const declared = new Map<number, Promise<void>>();
  const declare = (channel: ConfirmChannel, level: number) => {
    let ready = declared.get(level);
    if (!ready) {
      ready = assertRetryQueue(channel, options.topology, level);
      ready.catch(() => declared.delete(level));
      declared.set(level, ready);
    }
    return ready;
  };

  return {
    schedule: (wakeUp) =>
      publisher.publish(async (channel) => {
        await declare(channel, wakeUp.level);
        const content = Buffer.from(JSON.stringify({ destination_id: wakeUp.destinationId, session_id: wakeUp.sessionId }));
        await publishConfirmed(channel, options.topology.deliveryRetryExchange, wakeUp.destinationId, content, {
          persistent: true,
          expiration: String(wakeUp.delayMs),
          type: wakeUpMessageType,
          contentType: 'application/json',
          headers: { [retryLevelHeader]: String(wakeUp.level) },
        }).confirmed;
      }),
  };
}
