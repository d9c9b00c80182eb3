import { once } from 'node:events';
import type { ConfirmChannel } from 'amqplib';
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
    if (!flushed) await once(channel, 'drain');
  }
  await channel.waitForConfirms();
}
