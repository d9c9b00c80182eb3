import type { Channel } from 'amqplib';
import type { Topology } from '../topology.js';
import { destinationBindingKey, type DestinationFilter } from './filter.js';

/** The `type` of a wake-up message, which no stored event has (theirs are `<category>/<name>`). */
export const wakeUpMessageType = 'delivery.wake-up';
/** The header the retry exchange routes by; headers starting with `x-` would be ignored by a headers exchange. */
export const retryLevelHeader = 'retry-level';

export const destinationQueueName = (topology: Topology, destinationId: string) => `${topology.prefix}.destination.${destinationId}`;
export const retryQueueName = (topology: Topology, level: number) => `${topology.prefix}.delivery.retry.${level}`;

/**
 * Declares a destination's queue and its bindings; idempotent. Api and admin call it before a
 * create answers (so the destination receives every event stored from then on) and the worker
 * calls it again when it starts consuming. Quorum, so a broker node's loss loses nothing; single
 * active consumer, so one process at a time delivers to a destination, in queue order.
 */
export async function assertDestinationQueue(channel: Channel, topology: Topology, destination: { id: string; filter: DestinationFilter }): Promise<string> {
  const queue = destinationQueueName(topology, destination.id);
  await channel.assertExchange(topology.storedEventsExchange, 'topic', { durable: true });
  await channel.assertExchange(topology.deliveryExchange, 'direct', { durable: true });
  await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum', 'x-single-active-consumer': true } });
  await channel.bindQueue(queue, topology.storedEventsExchange, destinationBindingKey(destination.filter));
  await channel.bindQueue(queue, topology.deliveryExchange, destination.id);
  return queue;
}

/**
 * The queue where wake-ups of one retry level wait out their per-message expiration, after which
 * the broker dead-letters them, routing key (the destination id) unchanged, to the delivery
 * exchange and so to their destination's queue. One queue per level keeps the delays in a queue
 * alike, since a message expires only once it reaches the head. At-least-once dead-lettering: a
 * wake-up is not lost between the two queues.
 */
export async function assertRetryQueue(channel: Channel, topology: Topology, level: number): Promise<void> {
  const queue = retryQueueName(topology, level);
  await channel.assertExchange(topology.deliveryExchange, 'direct', { durable: true });
  await channel.assertExchange(topology.deliveryRetryExchange, 'headers', { durable: true });
  await channel.assertQueue(queue, {
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      'x-dead-letter-exchange': topology.deliveryExchange,
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    },
  });
  await channel.bindQueue(queue, topology.deliveryRetryExchange, '', { 'x-match': 'all', [retryLevelHeader]: String(level) });
}

/** For tests and teardown: the queues of these destinations and of retry levels up to `maxLevel`. */
export async function deleteDeliveryQueues(channel: Channel, topology: Topology, destinationIds: readonly string[], maxLevel: number): Promise<void> {
  for (const id of destinationIds) await channel.deleteQueue(destinationQueueName(topology, id));
  for (let level = 1; level <= maxLevel; level += 1) await channel.deleteQueue(retryQueueName(topology, level));
}
