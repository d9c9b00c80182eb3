import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { assertDestinationQueue, storedEventMessageSchema, wakeUpMessageType, type Logger, type StoredEventMessage, type Topology } from '@argus/shared';
import { Abandoned, type Dispatcher, type DispatcherDeps, type Incoming, createDispatcher } from './dispatcher.js';
import { parseWakeUp } from './wake-ups.js';

export type DestinationConsumerOptions = {
  model: ChannelModel;
  topology: Topology;
  prefetch: number;
  /** How long stopping waits for deliveries in hand. */
  stopGraceMs: number;
  /** A fresh gate per consumer: the tasks waiting at it end with it. */
  dispatch: DispatcherDeps;
  log: Logger;
};

export type DestinationConsumer = {
  /** False once its channel closed (a failure, the connection lost): the supervisor then starts a new one. */
  isAlive(): boolean;
  /** Whether a message has reached it: the queue's single active consumer, not a waiting one. */
  isActive(): boolean;
  /** See `Dispatcher.sweep`. */
  sweep(): void;
  /** When the oldest event in hand and not yet delivered was received; null when none. */
  oldestWaitingAt(): Date | null;
  /**
   * Lets the deliveries under way finish, gives back what has not started, and closes the
   * channel: everything unacked goes back to the queue, in order, before the next consumer gets
   * a message.
   */
  stop(): Promise<void>;
};

const storedEventBody = storedEventMessageSchema();

/**
 * Feeds one destination's queue to its dispatcher and acks each message once the dispatcher is
 * done with it. The queue has a single active consumer, so one process at a time delivers to the
 * destination, in queue order. Unexpected faults (the database, the broker) close the channel, so
 * that every unacked message returns to the queue in order.
 */
export async function startDestinationConsumer(options: DestinationConsumerOptions): Promise<DestinationConsumer> {
  const { log } = options;
  const destinationId = options.dispatch.destination.id;
  const channel: Channel = await options.model.createChannel();
  const dispatcher: Dispatcher = createDispatcher(options.dispatch);
  const inHand = new Map<ConsumeMessage, number>();
  let alive = true;
  let active = false;
  let accepting = true;
  channel.on('error', (error: Error) => log.warn({ err: error, destination: destinationId }, 'destination channel error'));
  channel.on('close', () => {
    alive = false;
    dispatcher.abandon();
  });

  try {
    const queue = await assertDestinationQueue(channel, options.topology, options.dispatch.destination);
    await channel.prefetch(options.prefetch);
    await channel.consume(queue, (message) => {
      if (message) receive(message);
      else fail(new Error('the broker cancelled the consumer'));
    });
  } catch (error) {
    await channel.close().catch(() => {});
    throw error;
  }

  function receive(message: ConsumeMessage): void {
    active = true;
    const incoming = parse(message);
    if (!incoming) {
      options.dispatch.observe('malformed');
      log.warn({ destination: destinationId }, 'dropping a message that is neither a stored event nor a wake-up');
      ack(message);
      return;
    }
    if (!accepting || !alive) return; // not acked: back to the queue when the channel closes
    if (incoming.kind === 'event') inHand.set(message, Date.parse(incoming.event.received_at));
    dispatcher
      .dispatch(incoming)
      // acked once what it came to is counted: a worker killed before that leaves it to be delivered and counted again
      .then(
        () => options.dispatch.progress.afterFlush(() => ack(message)),
        // given back by a stop: it waits unacked for the channel to close, like the rest
        (error: unknown) => (error instanceof Abandoned && !accepting ? undefined : fail(error)),
      )
      .finally(() => inHand.delete(message));
  }

  function ack(message: ConsumeMessage): void {
    try {
      channel.ack(message);
    } catch {
      // the channel closed meanwhile: the message comes again, receivers dedupe by webhook-id
    }
  }

  function fail(error: unknown): void {
    if (!(error instanceof Abandoned)) log.error({ err: error, destination: destinationId }, 'delivery failed; restarting the consumer');
    alive = false;
    dispatcher.abandon();
    channel.close().catch(() => {});
  }

  function parse(message: ConsumeMessage): Incoming | undefined {
    try {
      if (message.properties.type === wakeUpMessageType) return { kind: 'wake-up', sessionId: parseWakeUp(message.content).session_id };
      const event = JSON.parse(message.content.toString('utf8')) as StoredEventMessage;
      // checked against the contract, but passed on as sent: a rebuilt object would lose an own "__proto__" key of data
      storedEventBody.parse(event);
      // replays and dead letters put back come through the delivery exchange; the stream's copies are the duplicates
      return { kind: 'event', event, resent: message.fields.exchange === options.topology.deliveryExchange };
    } catch {
      return undefined;
    }
  }

  return {
    isAlive: () => alive,
    isActive: () => active,
    sweep() {
      if (!alive || !accepting) return;
      dispatcher.sweep().catch((error: unknown) => log.warn({ err: error, destination: destinationId }, 'cannot look for overdue held sessions'));
    },
    oldestWaitingAt() {
      let oldest = Infinity;
      for (const receivedAt of inHand.values()) if (receivedAt < oldest) oldest = receivedAt;
      return Number.isFinite(oldest) ? new Date(oldest) : null;
    },
    async stop() {
      // No basic.cancel first. On a single-active-consumer queue, cancelling the active consumer
      // makes the next one active at once (measured on RabbitMQ 3.10: within 2 ms), while this one
      // still holds its unacked messages; those come back only when this channel closes, behind
      // what the next consumer was given meanwhile, so a session's events would arrive out of
      // order. Closing the channel returns them and hands over in one step, oldest first. Until
      // then the broker may push up to the prefetch more, which wait unacked with the rest.
      accepting = false;
      // prefetched events not yet started go back rather than being delivered here: the next
      // consumer starts sooner, and takes them in queue order
      dispatcher.release();
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise((resolve) => (timer = setTimeout(resolve, options.stopGraceMs)));
      // deliveries waiting for a receiver that is down would wait out the whole grace: they go back now
      if (options.dispatch.gate.isDown()) dispatcher.abandon();
      await Promise.race([dispatcher.idle(), graceOver]);
      clearTimeout(timer);
      // what is done is counted and acked before the channel closes, or it would come (and count) again
      await options.dispatch.progress.flush().catch((error: unknown) => log.warn({ err: error, destination: destinationId }, 'cannot record delivery progress'));
      alive = false;
      dispatcher.abandon();
      await channel.close().catch(() => {});
    },
  };
}
