import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChannelModel, ConfirmChannel } from 'amqplib';
import { assertTopology, connectBroker, encodeIngestMessage, recoverConnectionWhenClosed, type Logger, type Topology } from '@argus/shared';
import { watchIngestBacklog } from './ingest-backlog.js';

export type PublishRefusal = 'unreachable' | 'blocked' | 'backlog' | 'overloaded' | 'timeout' | 'nacked' | 'unroutable';

/** The broker did not take responsibility for a message; the client should retry later. */
export class PublishRefused extends Error {
  override name = 'PublishRefused';
  constructor(readonly reason: PublishRefusal, message: string) {
    super(message);
  }
}

export type Publisher = {
  /** Resolves once the broker confirmed that a durable queue holds the message; else rejects with PublishRefused. */
  publishConfirmed(request: string): Promise<void>;
  isReady(): boolean;
  /**
   * Runs `work` on a confirm channel of its own on the same connection, closed afterwards: for the
   * rare broker work besides ingest (declaring a destination's queue, replays). Rejects with
   * PublishRefused when the broker is unreachable or closes the channel meanwhile.
   */
  withChannel<T>(work: (channel: ConfirmChannel) => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

export type PublisherOptions = {
  url: string;
  topology: Topology;
  /** How long to wait for the broker's confirm before answering 503. */
  confirmTimeoutMs: number;
  /** Requests awaiting confirmation beyond which new ones are refused instead of piling up memory. */
  maxInFlight: number;
  /** Messages published and not yet confirmed before requests start to share the next one. */
  maxMessagesInFlight: number;
  /** Ingest queue depth (ready messages) at which new requests are refused, and how often it is read. */
  backlog: { maxDepth: number; checkIntervalMs: number };
  firstConnectTimeoutMs: number;
  log: Logger;
};

/** A shared message stops taking requests at this size. */
const maxMessageBytes = 4 * 1024 * 1024;

type WaitingRequest = { request: string; resolve: () => void; reject: (refusal: PublishRefused) => void };

export async function startPublisher(options: PublisherOptions): Promise<Publisher> {
  const { topology, log } = options;
  let channel: ConfirmChannel | undefined;
  let model: ChannelModel | undefined;
  let blocked = false;
  let stopping = false;
  let reasserting: Promise<void> | undefined;
  // RabbitMQ sends basic.return before the ack of the same message, so the ack callback can ask here.
  const returned = new Set<string>();

  const connection = await connectBroker({
    url: options.url,
    name: 'argus-api',
    log,
    setup: async (connected) => {
      const opened = await connected.createConfirmChannel();
      await assertTopology(opened, topology);
      opened.on('return', (message) => returned.add(String(message.properties.messageId)));
      opened.on('close', () => {
        if (channel === opened) channel = undefined;
      });
      recoverConnectionWhenClosed(connected, opened, () => stopping);
      model = connected;
      channel = opened;
    },
  });
  // start answering only once the broker is there, if it comes soon; until then every publish is a 503
  await Promise.race([connection.waitForConnect().catch(() => undefined), sleep(options.firstConnectTimeoutMs, undefined, { ref: false })]);
  connection.on('disconnect', () => {
    channel = undefined;
    blocked = false;
  });
  connection.on('blocked', () => (blocked = true));
  connection.on('unblocked', () => (blocked = false));
  const backlog = watchIngestBacklog({
    connection: () => model,
    queue: topology.ingestQueue,
    maxDepth: options.backlog.maxDepth,
    intervalMs: options.backlog.checkIntervalMs,
    log,
  });

  /** A message came back unroutable: the queue or its binding is gone. Put them back (once at a time). */
  function reassertTopology(): void {
    if (reasserting || !model) return;
    const current = model;
    reasserting = (async () => {
      const repair = await current.createChannel();
      await assertTopology(repair, topology);
      await repair.close();
      log.warn('ingest topology was missing and has been restored');
    })()
      .catch((error: unknown) => log.error({ err: error }, 'cannot restore the ingest topology'))
      .finally(() => (reasserting = undefined));
  }

  let waiting: WaitingRequest[] = [];
  let awaitingConfirm = 0;
  let messagesInFlight = 0;

  /**
   * Publishes at once while fewer than `maxMessagesInFlight` messages await their confirm; beyond
   * that, requests wait and leave together in the next message when a confirm frees a place. An idle
   * api so adds no delay, and a busy one has the broker confirm a few larger messages instead of
   * one per request — while keeping several in flight, so confirms never go one at a time.
   */
  function publishConfirmed(request: string): Promise<void> {
    if (!channel) return Promise.reject(new PublishRefused('unreachable', 'the message broker is unreachable'));
    if (blocked) return Promise.reject(new PublishRefused('blocked', 'the message broker is refusing new messages (resource alarm)'));
    const depth = backlog.overLimit();
    if (depth !== undefined) {
      return Promise.reject(
        new PublishRefused('backlog', `the ingest queue holds ${depth} messages, at or over its limit of ${options.backlog.maxDepth}: the workers are behind`),
      );
    }
    if (awaitingConfirm >= options.maxInFlight) {
      return Promise.reject(new PublishRefused('overloaded', 'too many requests are awaiting confirmation'));
    }
    awaitingConfirm += 1;
    return new Promise<void>((resolve, reject) => {
      waiting.push({ request, resolve, reject });
      if (messagesInFlight < options.maxMessagesInFlight) publishWaiting();
    }).finally(() => (awaitingConfirm -= 1));
  }

  function publishWaiting(): void {
    if (waiting.length === 0) return;
    let bytes = 0;
    let count = 0;
    while (count < waiting.length && (count === 0 || bytes < maxMessageBytes)) bytes += waiting[count++]!.request.length;
    const leaving = waiting.splice(0, count);
    messagesInFlight += 1;
    publishMessage(encodeIngestMessage(leaving.map((waiter) => waiter.request)))
      .then(
        () => leaving.forEach((waiter) => waiter.resolve()),
        (refusal: PublishRefused) => leaving.forEach((waiter) => waiter.reject(refusal)),
      )
      .finally(() => {
        messagesInFlight -= 1;
        publishWaiting();
      });
  }

  function publishMessage(content: Buffer): Promise<void> {
    const current = channel;
    if (!current) return Promise.reject(new PublishRefused('unreachable', 'the message broker is unreachable'));
    const messageId = randomUUID();
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (refusal?: PublishRefused) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (refusal) reject(refusal);
        else resolve();
      };
      const timer = setTimeout(
        () => settle(new PublishRefused('timeout', `the broker did not confirm within ${options.confirmTimeoutMs} ms`)),
        options.confirmTimeoutMs,
      );
      try {
        current.publish(
          topology.ingestExchange,
          topology.ingestRoutingKey,
          content,
          { persistent: true, mandatory: true, messageId, contentType: 'application/json' },
          (error) => {
            if (returned.delete(messageId)) {
              reassertTopology();
              settle(new PublishRefused('unroutable', 'no queue accepted the message'));
            } else if (error) settle(new PublishRefused('nacked', 'the broker did not accept the message'));
            else settle();
          },
        );
      } catch (error) {
        // the channel closed between our check and the write; amqplib will not call back
        settle(new PublishRefused('unreachable', `the message broker is unreachable (${(error as Error).message})`));
      }
    });
  }

  async function withChannel<T>(work: (channel: ConfirmChannel) => Promise<T>): Promise<T> {
    const unreachable = (detail: string) => new PublishRefused('unreachable', `the message broker is unreachable (${detail})`);
    if (!channel || !model) throw unreachable('not connected');
    let own: ConfirmChannel;
    try {
      own = await model.createConfirmChannel();
    } catch (error) {
      throw unreachable((error as Error).message);
    }
    let closedBy: Error | undefined;
    let closed = false;
    // the broker closing the channel also rejects the call that caused it; without a listener it would crash the process
    own.on('error', (error: Error) => (closedBy = error));
    // a lost connection closes the channel without an 'error' on it
    own.on('close', () => (closed = true));
    try {
      return await work(own);
    } catch (error) {
      throw closedBy || closed ? unreachable(closedBy?.message ?? 'the channel closed') : error;
    } finally {
      await own.close().catch(() => {});
    }
  }

  return {
    publishConfirmed,
    withChannel,
    isReady: () => channel !== undefined && !blocked,
    close: async () => {
      stopping = true;
      backlog.stop();
      await connection.close();
    },
  };
}
