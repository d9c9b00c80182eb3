import type { StoredEventMessage } from '@argus/shared';
import type { BacklogEntry, BacklogStore, HeldRetry } from './backlog.js';
import type { Clock } from './receiver-gate.js';
import type { WakeUp, WakeUps } from './wake-ups.js';
import type { WorkerRegistry } from './worker-registry.js';
import type { DeliveryOutcome, FailedDelivery, SendWebhook } from './webhook.js';

/** In-memory stand-ins for the database, the broker and the receiver, for the delivery decisions' fast tests. */

export type MemoryBacklog = BacklogStore & {
  rows: { seq: string; event: StoredEventMessage; attempts: number; dueAt: number }[];
  deadLetters: { event: StoredEventMessage; attempts: number; failure: FailedDelivery }[];
  /** Every write, in order: what an outage would cost the database. */
  writes: number;
};

export function memoryBacklog(): MemoryBacklog {
  let seq = 0;
  const store: MemoryBacklog = {
    rows: [],
    deadLetters: [],
    writes: 0,
    async heldSessions() {
      const held = new Map<string, number>();
      for (const row of store.rows) if (!held.has(row.event.session_id)) held.set(row.event.session_id, row.dueAt);
      return held;
    },
    async append(event) {
      store.writes += 1;
      if (!store.rows.some((row) => row.event.id === event.id)) store.rows.push({ seq: String(++seq), event, attempts: 0, dueAt: 0 });
    },
    async hold(event: StoredEventMessage, retry: HeldRetry) {
      store.writes += 1;
      const row = store.rows.find((candidate) => candidate.event.id === event.id);
      if (row) Object.assign(row, { attempts: retry.attempts, dueAt: retry.dueAt });
      else store.rows.push({ seq: String(++seq), event, attempts: retry.attempts, dueAt: retry.dueAt });
    },
    async page(sessionId, limit): Promise<BacklogEntry[]> {
      return store.rows.filter((row) => row.event.session_id === sessionId).slice(0, limit).map(({ seq, event, attempts }) => ({ seq, event, attempts }));
    },
    async remove(removed) {
      store.writes += 1;
      store.rows = store.rows.filter((row) => row.seq !== removed);
    },
    async deadLetter(event, final) {
      store.writes += 1;
      store.deadLetters.push({ event, attempts: final.attempts, failure: final.failure });
      if (final.backlogSeq !== undefined) store.rows = store.rows.filter((row) => row.seq !== final.backlogSeq);
    },
  };
  return store;
}

export function recordedWakeUps(): WakeUps & { scheduled: WakeUp[] } {
  const scheduled: WakeUp[] = [];
  return { scheduled, schedule: async (wakeUp) => void scheduled.push(wakeUp) };
}

/** A receiver whose answer to each event is decided by `answer`; `sent` lists the event ids in the order they were sent. */
export function scriptedReceiver(answer: (event: StoredEventMessage) => DeliveryOutcome | Promise<DeliveryOutcome>): { send: SendWebhook; sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    send: async (event) => {
      sent.push(event.id);
      return answer(event);
    },
  };
}

export const delivered: DeliveryOutcome = { kind: 'delivered', status: 204, durationMs: 1 };
export const refused = (status: number | null, noRetry = false): DeliveryOutcome => ({ kind: 'failed', status, error: status === null ? 'ECONNREFUSED' : `HTTP ${status}`, noRetry, durationMs: 1 });

/** A clock that moves only when told to, running the timers that come due. */
export function manualClock(start = 1_000_000): Clock & { advance(ms: number): void; pending(): number } {
  let now = start;
  let timers: { at: number; run: () => void }[] = [];
  return {
    now: () => now,
    setTimer(run, ms) {
      const timer = { at: now + ms, run };
      timers.push(timer);
      return { cancel: () => void (timers = timers.filter((other) => other !== timer)) };
    },
    advance(ms) {
      now += ms;
      for (;;) {
        const due = timers.filter((timer) => timer.at <= now).sort((a, b) => a.at - b.at)[0];
        if (!due) return;
        timers = timers.filter((timer) => timer !== due);
        due.run();
      }
    },
    pending: () => timers.length,
  };
}

let eventCount = 0;
export function storedEvent(sessionId: string, overrides: Partial<StoredEventMessage> = {}): StoredEventMessage {
  eventCount += 1;
  const hex = eventCount.toString(16).padStart(12, '0');
  return {
    id: `00000000-0000-4000-8000-${hex}`,
    application_id: '0b6a1f55-5a0e-4a8c-9a51-1d1c5b0c2a10',
    application: 'shop',
    session_id: sessionId,
    category: 'page interaction',
    name: 'pageview',
    data: { n: eventCount },
    timestamp: '2023-01-01T09:15:27.243860Z',
    client_timestamp: '2023-01-01T09:15:27.243860Z',
    sent_at: null,
    received_at: '2023-01-01T09:15:28.000000Z',
    request_id: 'r',
    schema_version: null,
    user_id: null,
    anonymous_id: null,
    context: null,
    integrations: null,
    ...overrides,
  };
}

/** The delivering workers' table, on a clock the test moves. */
export function memoryWorkerRegistry(now: () => number): WorkerRegistry & { seen: Map<string, number> } {
  const seen = new Map<string, number>();
  return {
    seen,
    async heartbeat(self) {
      seen.set(self.id, now());
    },
    async live(ttlMs) {
      return [...seen].filter(([, at]) => at > now() - ttlMs).map(([id]) => id);
    },
    async remove(id) {
      seen.delete(id);
    },
  };
}
