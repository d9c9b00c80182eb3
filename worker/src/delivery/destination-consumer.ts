import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import {
  assertDestinationQueue,
  matchesDestinationFilter,
  wakeUpMessageType,
  type DestinationFilter,
  type Logger,
  type StoredEventMessage,
  type Topology,
} from '@argus/shared';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import {
  appendToBacklog,
  backlogPage,
  deadLetter,
  holdFailedEvent,
  loadHeldSessions,
  removeFromBacklog,
} from './backlog.js';
import type { DeliveryProgress } from './progress.js';
import { createSessionLanes } from './session-lanes.js';
import { parseWakeUp, type WakeUps } from './wake-ups.js';
import type { FailedDelivery, SendWebhook } from './webhook.js';

/** How each message for a destination ended, for the worker's metrics. */
export type DeliveryResult = 'delivered' | 'retry_scheduled' | 'dead_lettered' | 'held' | 'filtered' | 'malformed';

export type DeliverySettings = {
  /** Events delivered at once, across sessions. */
  concurrency: number;
  prefetch: number;
  maxAttempts: number;
  /** The wait after the given number of failed attempts. */
  retryDelayMs: (attempts: number) => number;
  /** A held session whose wake-up is this late is retried anyway (see `sweep`). */
  wakeUpGraceMs: number;
  /** How long stopping waits for deliveries in hand. */
  stopGraceMs: number;
};

export type DestinationConsumerOptions = {
  model: ChannelModel;
  topology: Topology;
  db: DataSource;
  destination: { id: string; filter: DestinationFilter };
  send: SendWebhook;
  wakeUps: WakeUps;
  progress: DeliveryProgress;
  settings: DeliverySettings;
  observe: (result: DeliveryResult) => void;
  log: Logger;
};

export type DestinationConsumer = {
  /** False once its channel closed (a failure, the connection lost): the supervisor then starts a new one. */
  isAlive(): boolean;
  /** Retries held sessions whose wake-up is long overdue: one lost to a broker failure must not hold a session for ever. */
  sweep(): void;
  /** Cancels the consumer, lets deliveries in hand finish, and closes the channel: the rest goes back to the queue. */
  stop(): Promise<void>;
};

/** A wake-up this far ahead of its session's due time is a duplicate; the one that is due is still coming. */
const earlyWakeUpToleranceMs = 1000;
const backlogPageSize = 100;

const storedEventBody = z.looseObject({ id: z.string(), session_id: z.string(), application_id: z.string(), category: z.string(), name: z.string() });

type Incoming = { kind: 'event'; event: StoredEventMessage } | { kind: 'wake-up'; sessionId: string };

/** The channel closed under a task: it stops without writing or acking, and its message is delivered again. */
class ChannelGone extends Error {
  override name = 'ChannelGone';
}

/**
 * Delivers one destination's queue. Its queue has a single active consumer, so one process at a
 * time delivers to the destination, in queue order; here, events of one session go strictly one at
 * a time and up to `concurrency` sessions at once. When an event fails, its session is held: the
 * event and every later one of that session wait in `delivery_backlog` (the messages are acked),
 * and a wake-up published to a retry queue comes back after the delay to deliver the backlog in
 * order. Other sessions go on meanwhile. The held sessions are read from the backlog when the
 * first message arrives, that is when this consumer became the active one.
 */
export async function startDestinationConsumer(options: DestinationConsumerOptions): Promise<DestinationConsumer> {
  const { db, destination, send, progress, settings, observe, log } = options;
  const channel: Channel = await options.model.createChannel();
  let alive = true;
  let accepting = true;
  channel.on('error', (error: Error) => log.warn({ err: error, destination: destination.id }, 'destination channel error'));
  channel.on('close', () => {
    alive = false;
  });
  const lanes = createSessionLanes(settings.concurrency);
  let held: Map<string, number> | undefined;
  let loadingHeld: Promise<Map<string, number>> | undefined;
  const heldSessions = async () => (held ??= await (loadingHeld ??= loadHeldSessions(db, destination.id)));

  let consumerTag: string;
  try {
    const queue = await assertDestinationQueue(channel, options.topology, destination);
    await channel.prefetch(settings.prefetch);
    ({ consumerTag } = await channel.consume(queue, (message) => {
      if (message) receive(message);
      else fail(new Error('the broker cancelled the consumer'));
    }));
  } catch (error) {
    await channel.close().catch(() => {});
    throw error;
  }

  function receive(message: ConsumeMessage): void {
    const incoming = parse(message);
    if (!incoming) {
      observe('malformed');
      log.warn({ destination: destination.id }, 'dropping a message that is neither a stored event nor a wake-up');
      ack(message);
      return;
    }
    const sessionId = incoming.kind === 'event' ? incoming.event.session_id : incoming.sessionId;
    lanes
      .run(sessionId, async () => {
        if (!accepting || !alive) return; // not acked: back to the queue when the channel closes
        const sessions = await heldSessions();
        if (incoming.kind === 'event') await handleEvent(sessions, incoming.event);
        else await handleWakeUp(sessions, sessionId);
        ack(message);
      })
      .catch(fail);
  }

  async function handleEvent(sessions: Map<string, number>, event: StoredEventMessage): Promise<void> {
    if (!matchesDestinationFilter(destination.filter, event)) return observe('filtered');
    if (sessions.has(event.session_id)) {
      await appendToBacklog(db, destination.id, event);
      return observe('held');
    }
    const outcome = await attempt(event);
    if (outcome.kind === 'delivered') return;
    await afterFailure(sessions, event, outcome, 1);
  }

  /** A fresh event failed: give up, or hold its session until the wake-up. */
  async function afterFailure(sessions: Map<string, number>, event: StoredEventMessage, failure: FailedDelivery, attempts: number): Promise<void> {
    if (failure.noRetry || attempts >= settings.maxAttempts) return giveUp(event, failure, attempts);
    // the wake-up first: if this process dies before the row is written, the message comes again,
    // and a wake-up that finds no backlog is ignored; the other order could hold a session with no wake-up
    const dueAt = await scheduleWakeUp(event.session_id, attempts);
    await holdFailedEvent(db, destination.id, event, { attempts, dueAt, failure });
    sessions.set(event.session_id, dueAt);
  }

  async function handleWakeUp(sessions: Map<string, number>, sessionId: string): Promise<void> {
    const dueAt = sessions.get(sessionId);
    // not held (its backlog was delivered) or a duplicate ahead of time: the wake-up has nothing to do
    if (dueAt === undefined || dueAt - Date.now() > earlyWakeUpToleranceMs) return;
    await deliverBacklog(sessions, sessionId);
  }

  /** The session's held events in order, until one fails (its next wake-up is then scheduled) or none is left. */
  async function deliverBacklog(sessions: Map<string, number>, sessionId: string): Promise<void> {
    for (;;) {
      const entries = await backlogPage(db, destination.id, sessionId, backlogPageSize);
      if (entries.length === 0) {
        sessions.delete(sessionId);
        return;
      }
      for (const entry of entries) {
        const outcome = await attempt(entry.event);
        if (outcome.kind === 'delivered') {
          await removeFromBacklog(db, entry.seq);
          continue;
        }
        const attempts = entry.attempts + 1;
        if (outcome.noRetry || attempts >= settings.maxAttempts) {
          await giveUp(entry.event, outcome, attempts, entry.seq);
          continue;
        }
        const dueAt = await scheduleWakeUp(sessionId, attempts);
        await holdFailedEvent(db, destination.id, entry.event, { attempts, dueAt, failure: outcome });
        sessions.set(sessionId, dueAt);
        return;
      }
    }
  }

  async function attempt(event: StoredEventMessage) {
    const outcome = await send(event);
    // another consumer may have taken over: leave every write to it
    if (!alive) throw new ChannelGone();
    progress.attempted(outcome);
    if (outcome.kind === 'delivered') observe('delivered');
    return outcome;
  }

  async function giveUp(event: StoredEventMessage, failure: FailedDelivery, attempts: number, backlogSeq?: string): Promise<void> {
    await deadLetter(db, destination.id, event, { attempts, failure, backlogSeq });
    progress.deadLettered();
    observe('dead_lettered');
    log.warn({ destination: destination.id, event: event.id, attempts, status: failure.status, error: failure.error }, 'dead-lettered an event');
  }

  async function scheduleWakeUp(sessionId: string, attempts: number): Promise<number> {
    const delayMs = settings.retryDelayMs(attempts);
    await options.wakeUps.schedule({ destinationId: destination.id, sessionId, level: attempts, delayMs });
    observe('retry_scheduled');
    return Date.now() + delayMs;
  }

  let lastNudgeAt = 0;
  /**
   * Until a message comes this consumer may be a waiting one, not the active one, so it must not
   * deliver. A held session whose wake-up was lost (say, with the broker) would then wait for
   * traffic that may never come: instead it gets a fresh wake-up through the queue, which whichever
   * consumer is active acts on (a duplicate is ignored there).
   */
  async function nudgeOverdueSessions(): Promise<void> {
    if (Date.now() - lastNudgeAt < settings.wakeUpGraceMs) return;
    lastNudgeAt = Date.now();
    for (const [sessionId, dueAt] of await loadHeldSessions(db, destination.id)) {
      if (Date.now() - dueAt < settings.wakeUpGraceMs) continue;
      log.warn({ destination: destination.id, session: sessionId }, 'a wake-up is overdue; sending another');
      await options.wakeUps.schedule({ destinationId: destination.id, sessionId, level: 1, delayMs: 0 });
    }
  }

  function ack(message: ConsumeMessage): void {
    try {
      channel.ack(message);
    } catch {
      // the channel closed meanwhile: the message comes again, receivers dedupe by webhook-id
    }
  }

  /** Something unexpected (the database, the broker): close, so every unacked message returns to the queue in order. */
  function fail(error: unknown): void {
    if (!(error instanceof ChannelGone)) log.error({ err: error, destination: destination.id }, 'delivery failed; restarting the consumer');
    alive = false;
    channel.close().catch(() => {});
  }

  function parse(message: ConsumeMessage): Incoming | undefined {
    try {
      if (message.properties.type === wakeUpMessageType) return { kind: 'wake-up', sessionId: parseWakeUp(message.content).session_id };
      const event = storedEventBody.parse(JSON.parse(message.content.toString('utf8'))) as StoredEventMessage;
      return { kind: 'event', event };
    } catch {
      return undefined;
    }
  }

  return {
    isAlive: () => alive,
    sweep() {
      if (!alive || !accepting) return;
      if (!held) {
        nudgeOverdueSessions().catch((error: unknown) => log.warn({ err: error, destination: destination.id }, 'cannot look for overdue held sessions'));
        return;
      }
      const sessions = held;
      for (const [sessionId, dueAt] of sessions) {
        if (Date.now() - dueAt < settings.wakeUpGraceMs || lanes.busy(sessionId)) continue;
        log.warn({ destination: destination.id, session: sessionId }, 'a wake-up is overdue; delivering the held session now');
        lanes
          .run(sessionId, async () => {
            const due = sessions.get(sessionId);
            if (alive && due !== undefined && Date.now() - due >= settings.wakeUpGraceMs) await deliverBacklog(sessions, sessionId);
          })
          .catch(fail);
      }
    },
    async stop() {
      accepting = false;
      await channel.cancel(consumerTag).catch(() => {});
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([lanes.idle(), new Promise((resolve) => (timer = setTimeout(resolve, settings.stopGraceMs)))]);
      clearTimeout(timer);
      alive = false;
      await channel.close().catch(() => {});
    },
  };
}
