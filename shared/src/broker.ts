import amqp, { type Channel, type ChannelModel, type RecoveringChannelModel } from 'amqplib';
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
