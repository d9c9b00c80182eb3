import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { assertTopology, connectBroker, recoverConnectionWhenClosed, type Logger, type Topology } from '@argus/shared';
import type { Disposition } from './pipeline/settle.js';

/**
 * Handles the contents of a batch of messages, returning one disposition each, in order. It throws
 * when it gave up (stopping), or on a bug: see `handleAndSettle`.
 */
export type HandleBatch = (contents: Buffer[]) => Promise<Disposition[]>;

export type ConsumerOptions = {
  urls: readonly string[];
  topology: Topology;
  /** Unacknowledged messages the broker may hand us at once: the pipeline's window. */
  prefetch: number;
  batchMaxMessages: number;
  batchMaxBytes: number;
  /** How long an idle consumer waits for more messages before it stores what it has. */
  batchMaxWaitMs: number;
  /** Batches stored at once: while one waits for the database the next is validated. */
  concurrency: number;
  handleBatch: HandleBatch;
  /** Runs on every (re)connect before consuming starts: opens what handling a batch publishes on. */
  prepare?: (model: ChannelModel) => Promise<void>;
  log: Logger;
};

type Delivery = { message: ConsumeMessage; channel: Channel };

export type Consumer = { stop(): Promise<void> };

/** Consumes the ingest queue in batches and acknowledges each message only after its batch is handled. */
export async function startConsumer(options: ConsumerOptions): Promise<Consumer> {
  const { log } = options;
  let pending: Delivery[] = [];
  let active = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopping = false;
  let consuming: { channel: Channel; consumerTag: string } | undefined;
  let idle: (() => void) | undefined;

  const connection = await connectBroker({
    urls: options.urls,
    name: 'argus-worker',
    log,
    setup: async (model) => {
      await options.prepare?.(model);
      const channel = await model.createChannel();
      await assertTopology(channel, options.topology);
      await channel.prefetch(options.prefetch);
      channel.on('close', () => {
        // its unacknowledged messages go back to the queue; working on them here would be wasted
        pending = pending.filter((delivery) => delivery.channel !== channel);
      });
      recoverConnectionWhenClosed(model, channel, () => stopping);
      const { consumerTag } = await channel.consume(options.topology.ingestQueue, (message) => {
        if (message) receive({ message, channel });
      });
      consuming = { channel, consumerTag };
    },
  });

  function receive(delivery: Delivery): void {
    pending.push(delivery);
    if (pending.length >= options.batchMaxMessages) scheduleFlush(0);
    else scheduleFlush(options.batchMaxWaitMs);
  }

  function scheduleFlush(delayMs: number): void {
    if (active >= options.concurrency) return; // a finishing batch flushes what is pending
    if (delayMs === 0) {
      clearTimeout(timer);
      timer = undefined;
      void flush();
    } else timer ??= setTimeout(() => {
      timer = undefined;
      void flush();
    }, delayMs);
  }

  async function flush(): Promise<void> {
    const batch = takeBatch();
    if (batch.length === 0) return;
    active += 1;
    try {
      await handleAndSettle(batch);
    } finally {
      active -= 1;
    }
    if (pending.length > 0) scheduleFlush(stopping ? 0 : pending.length >= options.batchMaxMessages ? 0 : options.batchMaxWaitMs);
    else if (active === 0) idle?.();
  }

  function takeBatch(): Delivery[] {
    let bytes = 0;
    let count = 0;
    while (count < pending.length && count < options.batchMaxMessages && (count === 0 || bytes < options.batchMaxBytes)) {
      bytes += pending[count]!.message.content.length;
      count += 1;
    }
    return pending.splice(0, count);
  }

  /**
   * Events decide their own fate inside the pipeline, and outages are waited out there. A batch that
   * throws all the same is a bug: it is tried again message by message, so that only the message at fault goes back to the queue. The
   * broker counts its deliveries and dead-letters it at the delivery limit: a poison message costs a
   * bounded number of attempts, never a loop, and never holds up the rest.
   */
  async function handleAndSettle(batch: Delivery[]): Promise<void> {
    try {
      const dispositions = await options.handleBatch(batch.map((delivery) => delivery.message.content));
      batch.forEach((delivery, index) => settle(delivery, dispositions[index] ?? 'ack'));
    } catch (error) {
      // stopping: left unacknowledged, the broker redelivers it to whoever consumes next
      if (stopping) return;
      if (batch.length > 1) {
        for (const delivery of batch) await handleAndSettle([delivery]);
        return;
      }
      log.error({ err: error, redelivered: batch[0]!.message.fields.redelivered }, 'a message failed unexpectedly; returning it to the queue');
      settle(batch[0]!, 'requeue');
    }
  }

  function settle(delivery: Delivery, disposition: Disposition | 'requeue'): void {
    try {
      if (disposition === 'ack') delivery.channel.ack(delivery.message);
      else delivery.channel.nack(delivery.message, false, disposition === 'requeue');
    } catch {
      // the channel closed meanwhile: the broker redelivers, and storage is idempotent
    }
  }

  return {
    /** Stops taking messages, finishes the batches in hand (acks included), then disconnects. */
    async stop() {
      stopping = true;
      if (consuming) await consuming.channel.cancel(consuming.consumerTag).catch(() => {});
      if (pending.length > 0 || active > 0) {
        const drained = new Promise<void>((resolve) => (idle = resolve));
        scheduleFlush(0);
        await drained;
      }
      clearTimeout(timer);
      await connection.close();
    },
  };
}
