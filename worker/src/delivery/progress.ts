import type { StoredEventMessage } from '@argus/shared';
import type { DataSource, EntityManager } from 'typeorm';
import type { DeliveryOutcome } from './webhook.js';

/** Of each destination, this many of its latest attempts are kept in `delivery_attempts`. */
export const recentAttemptsKept = 50;

type RecentAttempt = { at: Date; eventId: string; status: number | null; durationMs: number; answer: string | null };

type Pending = {
  delivered: number;
  failedAttempts: number;
  deadLettered: number;
  lastSuccessAt: Date | null;
  lastFailure: { at: Date; status: number | null; error: string } | null;
  /** The first failure after the last success seen here (null once a success follows it). */
  failingSince: Date | null;
  sawSuccess: boolean;
  /** The latest attempts, oldest first, at most `recentAttemptsKept`. */
  attempts: RecentAttempt[];
};

const nothing = (): Pending => ({ delivered: 0, failedAttempts: 0, deadLettered: 0, lastSuccessAt: null, lastFailure: null, failingSince: null, sawSuccess: false, attempts: [] });

export type DeliveryProgress = {
  attempted(outcome: DeliveryOutcome, event: Pick<StoredEventMessage, 'id'>): void;
  deadLettered(): void;
  /** Runs `then` (an ack) once what was recorded so far is written; that flush comes within `flushAfterMs`. */
  afterFlush(then: () => void): void;
  /** Adds what happened since the last flush to the destination's row, and its latest attempts to `delivery_attempts`, in one transaction. */
  flush(): Promise<void>;
};

/** How soon a message whose outcome is recorded is acked: its counters are written first, batched with the others of that time. */
const flushAfterMs = 50;
const flushAtMessages = 200;

/**
 * A destination's counters, last outcomes and latest attempts, kept in memory and written in
 * batches, so that a delivery costs no write of its own. Messages are acked only after the flush
 * that counted them: a worker killed before it leaves them unacked, so they are delivered and
 * counted by the next one, and none goes uncounted; one killed between the flush and its acks has
 * them delivered and counted again (each count is a delivery the receiver took). `failing_since` (what the circuit breaker reads) is the
 * first failure with no success after it; a refusal the receiver marked `Argus-No-Retry` is an
 * answer about that event, not a failing receiver, so it does not start it.
 */
export function createDeliveryProgress(destinationId: string, db: Pick<DataSource, 'transaction'>, now: () => Date = () => new Date()): DeliveryProgress {
  let pending = nothing();
  let waiting: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();

  function flushSoon(delayMs: number): void {
    if (timer) {
      if (delayMs > 0) return;
      clearTimeout(timer);
    }
    timer = setTimeout(() => {
      timer = undefined;
      // a failed write keeps its counters and acks for the next flush
      progress.flush().catch(() => flushSoon(1000));
    }, delayMs);
    // a stopping worker flushes itself; a retry left pending must not keep the process alive
    timer.unref();
  }

  /** The counters first, then the acks of the messages they counted. */
  async function write(): Promise<void> {
    const acks = waiting;
    waiting = [];
    const written = pending;
    pending = nothing();
    try {
      if (written.delivered + written.failedAttempts + written.deadLettered > 0) await db.transaction((tx) => writeCounters(tx, destinationId, written));
    } catch (error) {
      pending = merge(written, pending);
      waiting = [...acks, ...waiting];
      throw error;
    }
    for (const ack of acks) ack();
  }

  const progress: DeliveryProgress = {
    attempted(outcome, event) {
      const at = now();
      pending.attempts.push({ at, eventId: event.id, status: outcome.status, durationMs: outcome.durationMs, answer: outcome.kind === 'failed' ? outcome.error : null });
      if (pending.attempts.length > recentAttemptsKept) pending.attempts.shift();
      if (outcome.kind === 'delivered') {
        pending.delivered += 1;
        pending.lastSuccessAt = at;
        pending.failingSince = null;
        pending.sawSuccess = true;
      } else {
        pending.failedAttempts += 1;
        pending.lastFailure = { at, status: outcome.status, error: outcome.error.slice(0, 1000) };
        if (!outcome.noRetry) pending.failingSince ??= at;
      }
    },
    deadLettered() {
      pending.deadLettered += 1;
    },
    afterFlush(then) {
      waiting.push(then);
      flushSoon(waiting.length >= flushAtMessages ? 0 : flushAfterMs);
    },
    flush() {
      // one at a time, in order: a later flush must not ack before an earlier one has written
      flushing = flushing.then(write, write);
      return flushing;
    },
  };
  return progress;
}

async function writeCounters(tx: EntityManager, destinationId: string, written: Pending): Promise<void> {
  await tx.query(
    `UPDATE destinations SET
       delivered_count = delivered_count + $2, failed_attempt_count = failed_attempt_count + $3, dead_letter_count = dead_letter_count + $4,
       last_success_at = COALESCE($5, last_success_at),
       last_failure_at = COALESCE($6, last_failure_at),
       last_failure_status = CASE WHEN $6::timestamptz IS NULL THEN last_failure_status ELSE $7 END,
       last_failure_error = CASE WHEN $6::timestamptz IS NULL THEN last_failure_error ELSE $8 END,
       failing_since = CASE WHEN $9 THEN $10 ELSE COALESCE(failing_since, $10) END
     WHERE id = $1`,
    [
      destinationId,
      written.delivered,
      written.failedAttempts,
      written.deadLettered,
      written.lastSuccessAt,
      written.lastFailure?.at ?? null,
      written.lastFailure?.status ?? null,
      written.lastFailure?.error ?? null,
      written.sawSuccess,
      written.failingSince,
    ],
  );
  if (written.attempts.length === 0) return;
  const column = <K extends keyof RecentAttempt>(key: K) => written.attempts.map((attempt) => attempt[key]);
  await tx.query(
    `INSERT INTO delivery_attempts (destination_id, attempted_at, event_id, status, duration_ms, answer)
     SELECT $1, * FROM unnest($2::timestamptz[], $3::uuid[], $4::int[], $5::int[], $6::text[])`,
    [destinationId, column('at'), column('eventId'), column('status'), column('durationMs'), column('answer')],
  );
  // bounded per destination: what is older than the kept ones goes
  await tx.query(
    `DELETE FROM delivery_attempts WHERE destination_id = $1 AND id < (
       SELECT min(id) FROM (SELECT id FROM delivery_attempts WHERE destination_id = $1 ORDER BY id DESC LIMIT $2) AS kept)`,
    [destinationId, recentAttemptsKept],
  );
}

/** What failed to flush, followed by what happened since. */
function merge(earlier: Pending, later: Pending): Pending {
  return {
    delivered: earlier.delivered + later.delivered,
    failedAttempts: earlier.failedAttempts + later.failedAttempts,
    deadLettered: earlier.deadLettered + later.deadLettered,
    lastSuccessAt: later.lastSuccessAt ?? earlier.lastSuccessAt,
    lastFailure: later.lastFailure ?? earlier.lastFailure,
    failingSince: later.sawSuccess ? later.failingSince : (earlier.failingSince ?? later.failingSince),
    sawSuccess: earlier.sawSuccess || later.sawSuccess,
    attempts: [...earlier.attempts, ...later.attempts].slice(-recentAttemptsKept),
  };
}
