import { matchesDestinationFilter, type DestinationFilter, type Logger, type StoredEventMessage } from '@argus/shared';
import type { BacklogStore } from './backlog.js';
import { afterFailure, overdueSessions, wakeUpDelivers } from './decisions.js';
import type { DeliveryProgress } from './progress.js';
import { GateClosed, type ReceiverGate } from './receiver-gate.js';
import type { RecentIds } from './recent-ids.js';
import { createSessionLanes } from './session-lanes.js';
import type { WakeUps } from './wake-ups.js';
import type { DeliveryOutcome, FailedDelivery, SendWebhook } from './webhook.js';

/** How each message for a destination ended, for the worker's metrics. */
export type DeliveryResult = 'delivered' | 'retry_scheduled' | 'dead_lettered' | 'held' | 'filtered' | 'malformed' | 'receiver_down' | 'duplicate';

/** An event from the stream of stored events, or sent again on purpose (a replay, a dead letter put back), or a held session's wake-up. */
export type Incoming = { kind: 'event'; event: StoredEventMessage; resent?: boolean } | { kind: 'wake-up'; sessionId: string };

export type DispatchSettings = {
  /** Events delivered at once, across sessions. */
  concurrency: number;
  maxAttempts: number;
  /** The wait after the given number of failed attempts. */
  retryDelayMs: (attempts: number) => number;
  /** A held session whose wake-up is this late gets another (see `sweep`). */
  wakeUpGraceMs: number;
};

export type DispatcherDeps = {
  destination: { id: string; filter: DestinationFilter };
  send: SendWebhook;
  backlog: BacklogStore;
  wakeUps: WakeUps;
  gate: ReceiverGate;
  progress: DeliveryProgress;
  settings: DispatchSettings;
  observe: (result: DeliveryResult) => void;
  /** Events this destination delivered lately: a copy of one is acked, not sent again. It outlives the dispatcher. */
  recentlyDelivered: RecentIds;
  log: Logger;
  now?: () => number;
};

export type Dispatcher = {
  /** Handles one message; resolves once it may be acked. Rejects with `Abandoned` when abandoned meanwhile: then it must not be acked. */
  dispatch(incoming: Incoming): Promise<void>;
  /** Sends each held session whose wake-up is long overdue a fresh one, through the queue, at most once per grace. */
  sweep(): Promise<void>;
  /** Resolves once no task is running or waiting. */
  idle(): Promise<void>;
  /**
   * Lets the tasks that have started finish, and ends those that have not (waiting behind an
   * earlier event of their session, or for a free slot) with `Abandoned`: their messages go back
   * to the queue unacked, in order, for whichever consumer comes next.
   */
  release(): void;
  /** Stops writing: tasks in hand end with `Abandoned` at their next step, and those waiting for the receiver at once. */
  abandon(): void;
};

/** The consumer lost its channel (another may be delivering now) or stops: the task ends without writing, and its message comes again. */
export class Abandoned extends Error {
  override name = 'Abandoned';
}

const backlogPageSize = 100;

/**
 * What a destination does with each message of its queue, in named phases: filter, wait for the
 * receiver, attempt, then on failure hold the session (a backlog and a wake-up) or give up (a
 * dead letter). Events of one session go strictly one at a time and up to `concurrency` sessions
 * at once. While the receiver is down (see `ReceiverGate`) the tasks wait with their messages
 * unacked, so an outage writes nothing per event. The broker, the database and the receiver sit
 * behind `wakeUps`, `backlog` and `send`.
 */
export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const { destination, backlog, gate, progress, settings, observe, log } = deps;
  const now = deps.now ?? Date.now;
  const lanes = createSessionLanes(settings.concurrency);
  let abandoned = false;
  let released = false;
  let nextSeq = 0;
  let lastSweepAt = -Infinity;
  // read when the first message arrives, that is once this consumer is the active one
  let held: Map<string, number> | undefined;
  let loadingHeld: Promise<Map<string, number>> | undefined;
  const heldSessions = async () => (held ??= await (loadingHeld ??= backlog.heldSessions()));

  const checkAlive = () => {
    if (abandoned) throw new Abandoned();
  };
  const waitForReceiver = (seq: number) =>
    gate.admit(seq).catch((error: unknown) => {
      throw error instanceof GateClosed ? new Abandoned() : error;
    });

  async function task(seq: number, incoming: Incoming): Promise<void> {
    // a later event of a session whose earlier one was given back must go back too
    if (released) throw new Abandoned();
    await waitForReceiver(seq);
    try {
      checkAlive();
      const sessions = await heldSessions();
      checkAlive();
      if (incoming.kind === 'event') await handleEvent(seq, sessions, incoming.event, incoming.resent === true);
      else if (wakeUpDelivers(sessions.get(incoming.sessionId), now())) await deliverBacklog(seq, sessions, incoming.sessionId);
    } finally {
      gate.finished(seq);
    }
  }

  async function handleEvent(seq: number, sessions: Map<string, number>, event: StoredEventMessage, resent: boolean): Promise<void> {
    // a session's events go one at a time, so a copy in the queue right behind its original finds it here
    if (!resent && deps.recentlyDelivered.has(event.id)) return observe('duplicate');
    if (sessions.has(event.session_id)) {
      await backlog.append(event);
      return observe('held');
    }
    const outcome = await attempt(seq, event);
    if (outcome.kind === 'delivered') return;
    await handleFailure(sessions, event, outcome, 1);
  }

  /** The session's held events in order, until one fails (its next wake-up is then scheduled) or none is left. */
  async function deliverBacklog(seq: number, sessions: Map<string, number>, sessionId: string): Promise<void> {
    for (;;) {
      const entries = await backlog.page(sessionId, backlogPageSize);
      checkAlive();
      if (entries.length === 0) {
        sessions.delete(sessionId);
        return;
      }
      for (const entry of entries) {
        const outcome = await attempt(seq, entry.event);
        if (outcome.kind === 'delivered') {
          await backlog.remove(entry.seq);
          continue;
        }
        if (!(await handleFailure(sessions, entry.event, outcome, entry.attempts + 1, entry.seq))) return;
      }
    }
  }

  /** Sends until an attempt counts: one that fails because the receiver is down waits in line and is sent again. */
  async function attempt(seq: number, event: StoredEventMessage): Promise<DeliveryOutcome> {
    for (;;) {
      const outcome = await deps.send(event);
      checkAlive();
      progress.attempted(outcome, event);
      if (gate.attempted(seq, event.session_id, outcome) === 'go-on') {
        if (outcome.kind === 'delivered') {
          deps.recentlyDelivered.add(event.id);
          observe('delivered');
        }
        return outcome;
      }
      observe('receiver_down');
      await waitForReceiver(seq);
    }
  }

  /** Gives up on the event or holds its session; answers whether the session's next event may go. */
  async function handleFailure(sessions: Map<string, number>, event: StoredEventMessage, failure: FailedDelivery, attempts: number, backlogSeq?: string): Promise<boolean> {
    const decision = afterFailure(failure, attempts, settings);
    if (decision.kind === 'dead-letter') {
      await backlog.deadLetter(event, { attempts, failure, backlogSeq });
      progress.deadLettered();
      observe('dead_lettered');
      log.warn({ destination: destination.id, event: event.id, attempts, status: failure.status, error: failure.error }, 'dead-lettered an event');
      return true;
    }
    // the wake-up first: if this process dies before the row is written, the message comes again,
    // and a wake-up that finds no backlog is ignored; the other order could hold a session with no wake-up
    await deps.wakeUps.schedule({ destinationId: destination.id, sessionId: event.session_id, level: decision.attempts, delayMs: decision.delayMs });
    observe('retry_scheduled');
    const dueAt = now() + decision.delayMs;
    await backlog.hold(event, { attempts: decision.attempts, dueAt, failure });
    sessions.set(event.session_id, dueAt);
    return false;
  }

  return {
    dispatch(incoming) {
      if (abandoned || released) return Promise.reject(new Abandoned());
      if (incoming.kind === 'event' && !matchesDestinationFilter(destination.filter, incoming.event)) {
        observe('filtered');
        return Promise.resolve();
      }
      const seq = nextSeq++;
      const sessionId = incoming.kind === 'event' ? incoming.event.session_id : incoming.sessionId;
      return lanes.run(sessionId, () => task(seq, incoming));
    },
    async sweep() {
      // a receiver that is down gets probes, not wake-ups; the sessions' own come when it is back
      if (abandoned || gate.isDown() || now() - lastSweepAt < settings.wakeUpGraceMs) return;
      lastSweepAt = now();
      // before its first message this consumer may be a waiting one: the table says what is held
      for (const sessionId of overdueSessions(held ?? (await backlog.heldSessions()), now(), settings.wakeUpGraceMs)) {
        log.warn({ destination: destination.id, session: sessionId }, 'a wake-up is overdue; sending another');
        await deps.wakeUps.schedule({ destinationId: destination.id, sessionId, level: 1, delayMs: 0 });
      }
    },
    idle: () => lanes.idle(),
    release() {
      released = true;
    },
    abandon() {
      abandoned = true;
      gate.close();
    },
  };
}
