import type { StoredEventMessage } from '@argus/shared';
import type { DataSource } from 'typeorm';
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
  /** Adds what happened since the last flush to the destination's row, and its latest attempts to `delivery_attempts`, in one transaction. */
  flush(db: DataSource): Promise<void>;
};

/**
 * A destination's counters, last outcomes and latest attempts, kept in memory and written once
 * per refresh, so that a delivery costs no write of its own. `failing_since` (what the circuit
 * breaker reads) is the first failure with no success after it; a refusal the receiver marked
 * `Argus-No-Retry` is an answer about that event, not a failing receiver, so it does not start it.
 */
export function createDeliveryProgress(destinationId: string, now: () => Date = () => new Date()): DeliveryProgress {
  let pending = nothing();
  return {
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
    async flush(db) {
      const flushing = pending;
      if (flushing.delivered + flushing.failedAttempts + flushing.deadLettered === 0) return;
      pending = nothing();
      try {
        await db.transaction(async (tx) => {
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
              flushing.delivered,
              flushing.failedAttempts,
              flushing.deadLettered,
              flushing.lastSuccessAt,
              flushing.lastFailure?.at ?? null,
              flushing.lastFailure?.status ?? null,
              flushing.lastFailure?.error ?? null,
              flushing.sawSuccess,
              flushing.failingSince,
            ],
          );
          if (flushing.attempts.length === 0) return;
          const column = <K extends keyof RecentAttempt>(key: K) => flushing.attempts.map((attempt) => attempt[key]);
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
        });
      } catch (error) {
        pending = merge(flushing, pending);
        throw error;
      }
    },
  };
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
