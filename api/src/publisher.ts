import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChannelModel, ConfirmChannel } from 'amqplib';
import { assertTopology, connectBroker, dropConnection, encodeIngestMessage, renewableConfirmChannel, type Logger, type RenewableConfirmChannel, type Topology } from '@argus/shared';
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
  /** The ingest queue's ready messages as last read (every `backlog.checkIntervalMs`). */
  ingestDepth(): number | undefined;
  /**
   * Runs `work` on a confirm channel of its own on the same connection, closed afterwards: for the
   * rare broker work besides ingest (declaring a destination's queue, replays). Rejects with
   * PublishRefused when the broker is unreachable or closes the channel meanwhile.
   */
  withChannel<T>(work: (channel: ConfirmChannel) => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

export type PublisherOptions = {
  urls: readonly string[];
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

type WaitingRequest = { request: string; deadline: number; resolve: () => void; reject: (refusal: PublishRefused) => void };

/** The pause before a nacked message is tried again on a fresh channel, times the attempt. */
const nackRetryDelayMs = 100;

export async function startPublisher(options: PublisherOptions): Promise<Publisher> {
  const { topology, log } = options;
  let ingest: RenewableConfirmChannel | undefined;
  let model: ChannelModel | undefined;
  let blocked = false;
  // set when a confirm did not come in time, cleared by the next connection: /ready says so meanwhile
  let stalled = false;
  let stopping = false;
  let reasserting: Promise<void> | undefined;
  // RabbitMQ sends basic.return before the ack of the same message, so the ack callback can ask here.
  const returned = new Set<string>();

  const connection = await connectBroker({
    urls: options.urls,
    name: 'argus-api',
    log,
    setup: async (connected) => {
      const opened = renewableConfirmChannel(connected, {
        prepare: async (channel) => {
          await assertTopology(channel, topology);
          channel.on('return', (message) => returned.add(String(message.properties.messageId)));
        },
        isStopping: () => stopping,
      });
      await opened.get();
      model = connected;
      ingest = opened;
      stalled = false;
    },
  });
  // start answering only once the broker is there, if it comes soon; until then every publish is a 503
  await Promise.race([connection.waitForConnect().catch(() => undefined), sleep(options.firstConnectTimeoutMs, undefined, { ref: false })]);
  connection.on('disconnect', () => {
    ingest = undefined;
    model = undefined;
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
  let waitingTimer: NodeJS.Timeout | undefined;
  let awaitingConfirm = 0;
  let messagesInFlight = 0;
  // publishes awaiting their confirm, and when the broker last confirmed one (or last had none to confirm)
  let unconfirmed = 0;
  let lastConfirmAt = performance.now();

  const refusedForTime = () => new PublishRefused('timeout', `the broker did not confirm within ${options.confirmTimeoutMs} ms`);
  const unreachable = (detail?: string) => new PublishRefused('unreachable', `the message broker is unreachable${detail ? ` (${detail})` : ''}`);

  /**
   * Publishes at once while fewer than `maxMessagesInFlight` messages await their confirm; beyond
   * that, requests wait and leave together in the next message when a confirm frees a place. An idle
   * api so adds no delay, and a busy one has the broker confirm a few larger messages instead of
   * one per request — while keeping several in flight, so confirms never go one at a time. A
   * request's wait, queued or published, ends `confirmTimeoutMs` after it arrived.
   */
  function publishConfirmed(request: string): Promise<void> {
    if (!ingest) return Promise.reject(unreachable());
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
      waiting.push({ request, deadline: performance.now() + options.confirmTimeoutMs, resolve, reject });
      if (messagesInFlight < options.maxMessagesInFlight) publishWaiting();
      else expireWaiting();
    }).finally(() => (awaitingConfirm -= 1));
  }

  /** Refuses the requests whose time ran out while they waited for a place, the oldest first. */
  function expireWaiting(): void {
    if (waitingTimer || waiting.length === 0) return;
    waitingTimer = setTimeout(() => {
      waitingTimer = undefined;
      const now = performance.now();
      let expired = 0;
      while (expired < waiting.length && waiting[expired]!.deadline <= now) expired += 1;
      for (const waiter of waiting.splice(0, expired)) waiter.reject(refusedForTime());
      expireWaiting();
    }, waiting[0]!.deadline - performance.now());
  }

  function publishWaiting(): void {
    if (waiting.length === 0) return;
    let bytes = 0;
    let count = 0;
    while (count < waiting.length && (count === 0 || bytes < maxMessageBytes)) bytes += waiting[count++]!.request.length;
    const leaving = waiting.splice(0, count);
    expireWaiting();
    messagesInFlight += 1;
    // the oldest request of the message sets its deadline
    publishMessage(encodeIngestMessage(leaving.map((waiter) => waiter.request)), leaving[0]!.deadline)
      .then(
        () => leaving.forEach((waiter) => waiter.resolve()),
        (refusal: PublishRefused) => leaving.forEach((waiter) => waiter.reject(refusal)),
      )
      .finally(() => {
        messagesInFlight -= 1;
        publishWaiting();
      });
  }

  /**
   * A nack is answered with a fresh channel and another try, while the deadline allows (see
   * renewableConfirmChannel); the same message twice is harmless, the workers store each event id once.
   */
  async function publishMessage(content: Buffer, deadline: number): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const refusal = await publishOnce(content, deadline);
      if (!refusal) return;
      const pause = nackRetryDelayMs * attempt;
      if (refusal.reason !== 'nacked' || performance.now() + pause >= deadline) throw refusal;
      await sleep(pause);
    }
  }

  async function publishOnce(content: Buffer, deadline: number): Promise<PublishRefused | undefined> {
    const slot = ingest;
    if (!slot) return unreachable();
    let current = slot.current();
    if (!current) {
      // a fresh channel after a nack: opening it waits on the broker too, so it counts against the deadline
      const opened = await Promise.race([
        slot.get().catch((error: Error) => unreachable(error.message)),
        sleep(Math.max(0, deadline - performance.now()), undefined, { ref: false }).then(refusedForTime),
      ]);
      if (opened instanceof PublishRefused) return opened;
      current = opened;
    }
    const messageId = randomUUID();
    if (unconfirmed === 0) lastConfirmAt = performance.now();
    unconfirmed += 1;
    return new Promise<PublishRefused | undefined>((resolve) => {
      let settled = false;
      const settle = (refusal?: PublishRefused) => {
        if (settled) return;
        settled = true;
        unconfirmed -= 1;
        clearTimeout(timer);
        resolve(refusal);
      };
      const timer = setTimeout(() => {
        settle(refusedForTime());
        // a request that waited long for its place may run out of time on a broker that is merely busy
        if (performance.now() - lastConfirmAt >= options.confirmTimeoutMs) leaveStalledNode();
      }, deadline - performance.now());
      try {
        current.publish(
          topology.ingestExchange,
          topology.ingestRoutingKey,
          content,
          { persistent: true, mandatory: true, messageId, contentType: 'application/json' },
          (error) => {
            lastConfirmAt = performance.now();
            if (returned.delete(messageId)) {
              reassertTopology();
              settle(new PublishRefused('unroutable', 'no queue accepted the message'));
            } else if (error) {
              slot.renew(current);
              settle(new PublishRefused('nacked', 'the broker did not accept the message'));
            } else settle();
          },
        );
      } catch (error) {
        // the channel closed between our check and the write; amqplib will not call back
        settle(unreachable((error as Error).message));
      }
    });
  }

  /**
   * A node that takes publishes and has confirmed none for `confirmTimeoutMs` (frozen, cut off)
   * would hold every request until its timeout for as long as it lasts: /ready turns 503 and the
   * connection is dropped, so that the recovery tries the next node; a new connection clears the mark.
   */
  function leaveStalledNode(): void {
    if (stalled || blocked) return;
    stalled = true;
    log.warn({ timeoutMs: options.confirmTimeoutMs }, 'the broker stopped confirming; reconnecting');
    if (model) dropConnection(model, `no confirm within ${options.confirmTimeoutMs} ms`);
  }

  async function withChannel<T>(work: (channel: ConfirmChannel) => Promise<T>): Promise<T> {
    if (!ingest || !model) throw unreachable('not connected');
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
    isReady: () => ingest !== undefined && !blocked && !stalled,
    ingestDepth: () => backlog.depth(),
    close: async () => {
      stopping = true;
      backlog.stop();
      await connection.close();
    },
  };
}
