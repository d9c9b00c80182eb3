import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type Options, type RecoveringChannelModel } from 'amqplib';
import type { Logger } from 'pino';

export type BrokerConnection = RecoveringChannelModel;

/**
 * Connects to RabbitMQ and stays connected: after a loss it reconnects with backoff and runs
 * `setup` again (open channels, assert topology, resume consuming). `connect` resolves at once;
 * until a connection is up, the caller's own state says "unavailable".
 */
export async function connectBroker(options: {
  url: string;
  name: string;
  log: Logger;
  setup: (model: ChannelModel) => Promise<void>;
}): Promise<BrokerConnection> {
  const url = new URL(options.url);
  // a dead peer is noticed within two heartbeats rather than the server's default minute
  if (!url.searchParams.has('heartbeat')) url.searchParams.set('heartbeat', '5');
  const connection = await amqp.connect(url.toString(), {
    clientProperties: { connection_name: options.name },
    // without it Nagle's algorithm holds small publishes back until the broker's delayed ACK
    noDelay: true,
    recovery: { initialDelay: 200, maxDelay: 5000, waitForConnect: false, setup: options.setup },
  });
  connection.on('connect', () => options.log.info('connected to the broker'));
  connection.on('disconnect', (error) => options.log.warn({ err: error }, 'lost the broker connection; reconnecting'));
  connection.on('connect-failed', (error) => options.log.warn({ err: error }, 'cannot reach the broker; retrying'));
  connection.on('error', (error) => options.log.warn({ err: error }, 'broker connection error'));
  connection.on('blocked', (reason) => options.log.warn({ reason }, 'the broker blocked publishing'));
  connection.on('unblocked', () => options.log.info('the broker unblocked publishing'));
  return connection;
}

/**
 * A channel that the broker closed (say, it names a queue someone deleted) is not reopened on its
 * own; closing its connection instead hands the whole recovery to `connectBroker`, setup included.
 */
export function recoverConnectionWhenClosed(model: ChannelModel, channel: Channel, isStopping: () => boolean): void {
  channel.on('error', () => {
    // the 'close' that follows is what we act on
  });
  channel.on('close', () => {
    if (!isStopping()) model.close().catch(() => {});
  });
}

/** The broker did not confirm a publish: not connected, the channel closed, a nack, or no confirm in time. Retrying may help. */
export class PublishUnconfirmed extends Error {
  override name = 'PublishUnconfirmed';
}

/**
 * Resolves once the channel's write buffer has drained; rejects if the channel closes first, which
 * would otherwise leave a publisher parked on a full buffer for ever.
 */
export async function drained(channel: Channel): Promise<void> {
  const settled = new AbortController();
  try {
    await Promise.race([
      once(channel, 'drain', { signal: settled.signal }),
      once(channel, 'close', { signal: settled.signal }).then(() => {
        throw new PublishUnconfirmed('the broker closed the channel');
      }),
    ]);
  } finally {
    settled.abort();
  }
}

/**
 * Publishes one message on a confirm channel. `written` is false when the socket's buffer is full
 * (wait for `drained` before the next). `confirmed` has a handler from the start: a channel that
 * closes while the caller is still publishing rejects it before anyone awaits it, and an unhandled
 * rejection would end the process.
 */
export function publishConfirmed(
  channel: ConfirmChannel,
  exchange: string,
  routingKey: string,
  content: Buffer,
  options: Options.Publish,
): { written: boolean; confirmed: Promise<void> } {
  let settle: (error: Error | null) => void = () => {};
  const confirmed = new Promise<void>((resolve, reject) => {
    settle = (error) => (error ? reject(new PublishUnconfirmed(`the broker did not confirm a message: ${error.message}`)) : resolve());
  });
  confirmed.catch(() => {});
  // outside the promise: a channel already closed throws here, to the caller, rather than into `confirmed`
  const written = channel.publish(exchange, routingKey, content, options, (error) => settle(error));
  return { written, confirmed };
}

/**
 * Waits for `publishing` (confirmed publishes on `channel`), but no longer than `timeoutMs` and not
 * past the channel's close: a broker that stops answering must not hold the caller for ever.
 */
export async function confirmedWithin<T>(channel: Channel, timeoutMs: number, publishing: () => Promise<T>): Promise<T> {
  const work = publishing();
  const settled = new AbortController();
  const timeout = sleep(timeoutMs, undefined, { signal: settled.signal }).then(() => {
    throw new PublishUnconfirmed(`the broker did not confirm within ${timeoutMs} ms`);
  });
  const closed = once(channel, 'close', { signal: settled.signal }).then(() => {
    throw new PublishUnconfirmed('the broker closed the channel');
  });
  try {
    return await Promise.race([work, timeout, closed]);
  } finally {
    settled.abort();
  }
}
