import { hostname } from 'node:os';
import amqp, { type ChannelModel, type Options, type RecoveringChannelModel } from 'amqplib';
import type { Logger } from 'pino';
import { z } from 'zod';

export type BrokerConnection = RecoveringChannelModel;

/** `AMQP_URL`: one node's URL, or the comma-separated URLs of a cluster's nodes. */
export const brokerUrlsSchema = z
  .string()
  .transform((list) => list.split(',').map((url) => url.trim()).filter((url) => url !== ''))
  .pipe(z.array(z.url({ protocol: /^amqps?$/ })).min(1, 'at least one amqp:// or amqps:// URL'));

/**
 * Connects to RabbitMQ and stays connected: after a loss it reconnects, to the next node of the
 * list, and runs `setup` again (open channels, assert topology, resume consuming). `connect`
 * resolves at once; until a connection is up, the caller's own state says "unavailable".
 */
export async function connectBroker(options: {
  urls: readonly string[];
  name: string;
  log: Logger;
  setup: (model: ChannelModel) => Promise<void>;
}): Promise<BrokerConnection> {
  const nodes = new NodeRotation(options.urls);
  const connection = await amqp.connect(nodes, {
    // which process holds which connection, as `rabbitmqctl list_connections client_properties` shows it
    clientProperties: { connection_name: `${options.name} ${hostname()}:${process.pid}` },
    // without it Nagle's algorithm holds small publishes back until the broker's delayed ACK
    noDelay: true,
    // a node that takes the TCP connection but never answers (frozen) must not hold us: on to the next
    timeout: connectTimeoutMs,
    recovery: {
      waitForConnect: false,
      setup: options.setup,
      calculateDelay: (attempt) => reconnectDelayMs(attempt, options.urls.length),
    },
  });
  connection.on('connect', () => options.log.info({ node: nodes.describe() }, 'connected to the broker'));
  connection.on('disconnect', (error) => {
    options.log.warn({ err: error, node: nodes.describe() }, 'lost the broker connection; reconnecting');
    nodes.next();
  });
  connection.on('connect-failed', (error) => {
    options.log.warn({ err: error, node: nodes.describe() }, 'cannot reach the broker; trying the next node');
    nodes.next();
  });
  connection.on('error', (error) => options.log.warn({ err: error }, 'broker connection error'));
  connection.on('blocked', (reason) => options.log.warn({ reason }, 'the broker blocked publishing'));
  connection.on('unblocked', () => options.log.info('the broker unblocked publishing'));
  return connection;
}

const connectTimeoutMs = 3000;

/**
 * How long to wait before reconnection attempt `attempt` (from 1) with `nodes` nodes to try: the
 * first round over the nodes goes quickly, since the next node is likely up when one failed; each
 * later round waits twice as long, up to 5 s. Jittered by ±50 %, so that the processes a failed
 * node drops do not all arrive at the next one in the same instant.
 */
export function reconnectDelayMs(attempt: number, nodes: number, random: () => number = Math.random): number {
  const round = Math.floor((attempt - 1) / Math.max(1, nodes));
  const base = Math.min(5000, 100 * 2 ** round);
  return Math.round(base * (0.5 + random()));
}

/**
 * The node to connect to, as amqplib reads it at each attempt: amqplib's recovery reconnects to the
 * address it was given, so this one answers with the fields of the node currently chosen, and
 * `next` moves on to the following node. Each process starts at a random node, so that a cluster's
 * connections (and the queue leaders their declarations place) spread over its nodes.
 */
export class NodeRotation implements Options.Connect {
  private readonly nodes: URL[];
  private index: number;

  constructor(urls: readonly string[], random: () => number = Math.random) {
    this.nodes = urls.map((url) => new URL(url));
    this.index = Math.floor(random() * this.nodes.length);
  }

  private get node(): URL {
    return this.nodes[this.index]!;
  }
  next(): void {
    this.index = (this.index + 1) % this.nodes.length;
  }
  /** The node without its credentials, for logs. */
  describe(): string {
    return `${this.node.hostname}:${this.port}`;
  }

  get protocol() {
    return this.node.protocol.slice(0, -1);
  }
  get hostname() {
    return this.node.hostname.replace(/^\[|\]$/g, '');
  }
  get port() {
    return Number(this.node.port) || (this.protocol === 'amqps' ? 5671 : 5672);
  }
  get username() {
    return decodeURIComponent(this.node.username) || 'guest';
  }
  get password() {
    return decodeURIComponent(this.node.password) || (this.node.username ? '' : 'guest');
  }
  get vhost() {
    return this.node.pathname.slice(1) || '/';
  }
  get heartbeat() {
    // a dead peer is noticed within two heartbeats rather than the server's default minute
    return Number(this.node.searchParams.get('heartbeat') ?? 5);
  }
  get frameMax() {
    return Number(this.node.searchParams.get('frameMax') ?? 131072);
  }
}

/**
 * One connection to any node of the list that answers, from a random one on: for the short-lived
 * connections of rare work (the admin panel's replays and figures).
 */
export async function connectToAnyNode(urls: readonly string[], name: string): Promise<ChannelModel> {
  const start = Math.floor(Math.random() * urls.length);
  let last: unknown;
  for (const url of [...urls.slice(start), ...urls.slice(0, start)]) {
    try {
      return await amqp.connect(url, { clientProperties: { connection_name: name }, timeout: connectTimeoutMs });
    } catch (error) {
      last = error;
    }
  }
  throw last;
}

/**
 * Drops a connection at once, without AMQP's closing handshake: a node that stopped answering
 * (frozen, cut off) would hold a graceful close until the heartbeats time out, seconds later.
 * amqplib has no call for this; destroying its socket is what a lost network does, and the
 * connection's recovery takes over from there, at the next node.
 */
export function dropConnection(model: ChannelModel, reason: string): void {
  const socket = (model.connection as unknown as { stream?: { destroy(error?: Error): void } }).stream;
  socket?.destroy(new Error(reason));
}
