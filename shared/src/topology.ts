import type { Channel } from 'amqplib';

/**
 * The broker objects api and worker agree on. The api publishes to `ingestExchange`, which routes
 * to the quorum queue `ingestQueue`; messages the worker rejects, or that fail delivery too often,
 * are dead-lettered to `deadLetterQueue` where operators can inspect them. The worker publishes every
 * event it stored to `storedEventsExchange`.
 */
export type Topology = {
  ingestExchange: string;
  ingestQueue: string;
  ingestRoutingKey: string;
  deadLetterExchange: string;
  deadLetterQueue: string;
  /** Deliveries of one message before RabbitMQ dead-letters it instead of redelivering (poison messages). */
  deliveryLimit: number;
  /** Topic exchange of stored events, routed by `<application>.<category>.<name>` (see stored-events.ts). */
  storedEventsExchange: string;
  /** Of every name here; destination queues are `<prefix>.destination.<id>` (see destinations/topology.ts). */
  prefix: string;
  /** Direct exchange routing by destination id to that destination's queue: retries and replays come back through it. */
  deliveryExchange: string;
  /** Headers exchange routing wake-ups to the retry queue of their level, where they wait out their delay. */
  deliveryRetryExchange: string;
};

export function topologyFor(config: { AMQP_PREFIX: string; AMQP_DELIVERY_LIMIT: number }): Topology {
  const prefix = config.AMQP_PREFIX;
  return {
    ingestExchange: `${prefix}.ingest`,
    ingestQueue: `${prefix}.ingest`,
    ingestRoutingKey: 'events',
    deadLetterExchange: `${prefix}.ingest.dead`,
    deadLetterQueue: `${prefix}.ingest.dead`,
    deliveryLimit: config.AMQP_DELIVERY_LIMIT,
    storedEventsExchange: `${prefix}.events`,
    prefix,
    deliveryExchange: `${prefix}.delivery`,
    deliveryRetryExchange: `${prefix}.delivery.retry`,
  };
}

/** Idempotent: both api and worker call it on every (re)connect, so whichever starts first creates it. */
export async function assertTopology(channel: Channel, topology: Topology): Promise<void> {
  await channel.assertExchange(topology.deadLetterExchange, 'fanout', { durable: true });
  await channel.assertQueue(topology.deadLetterQueue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.bindQueue(topology.deadLetterQueue, topology.deadLetterExchange, '');

  await channel.assertExchange(topology.ingestExchange, 'direct', { durable: true });
  await channel.assertQueue(topology.ingestQueue, {
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      'x-dead-letter-exchange': topology.deadLetterExchange,
      'x-delivery-limit': topology.deliveryLimit,
    },
  });
  await channel.bindQueue(topology.ingestQueue, topology.ingestExchange, topology.ingestRoutingKey);

  await channel.assertExchange(topology.storedEventsExchange, 'topic', { durable: true });
}

export async function deleteTopology(channel: Channel, topology: Topology): Promise<void> {
  await channel.deleteQueue(topology.ingestQueue);
  await channel.deleteQueue(topology.deadLetterQueue);
  await channel.deleteExchange(topology.ingestExchange);
  await channel.deleteExchange(topology.deadLetterExchange);
  await channel.deleteExchange(topology.storedEventsExchange);
  await channel.deleteExchange(topology.deliveryExchange);
  await channel.deleteExchange(topology.deliveryRetryExchange);
}
