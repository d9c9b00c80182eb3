import type { ConfirmChannel } from 'amqplib';
import { drained } from '../broker.js';
import type { StoredEventMessage } from '../stored-events.js';
import type { Topology } from '../topology.js';

/**
 * Puts stored events straight into one destination's queue (through the delivery exchange, keyed
 * by its id) and waits for the broker's confirm: replays of history and of dead letters.
 */
export async function publishToDestination(
  channel: ConfirmChannel,
  topology: Topology,
  destinationId: string,
  events: readonly StoredEventMessage[],
): Promise<void> {
  for (const event of events) {
    const flushed = channel.publish(topology.deliveryExchange, destinationId, Buffer.from(JSON.stringify(event)), {
      persistent: true,
      contentType: 'application/json',
      messageId: event.id,
      type: `${event.category}/${event.name}`,
    });
    // a channel that closes meanwhile rejects here rather than leave the caller without an answer
    if (!flushed) await drained(channel);
  }
  await channel.waitForConfirms();
}
