import type { DataSource } from 'typeorm';
import type { DeliveryOutcome } from './webhook.js';

type Pending = {
  delivered: number;
  failedAttempts: number;
  deadLettered: number;
  lastSuccessAt: Date | null;
  lastFailure: { at: Date; status: number | null; error: string } | null;
  /** The first failure after the last success seen here (null once a success follows it). */
  failingSince: Date | null;
  sawSuccess: boolean;
};

const nothing = (): Pending => ({ delivered: 0, failedAttempts: 0, deadLettered: 0, lastSuccessAt: null, lastFailure: null, failingSince: null, sawSuccess: false });

export type DeliveryProgress = {
  attempted(outcome: DeliveryOutcome): void;
  deadLettered(): void;
  /** Adds what happened since the last flush to the destination's row. */
  flush(db: DataSource): Promise<void>;
};

/**
 * A destination's counters and last outcomes, kept in memory and written once per refresh, so that
 * a delivery costs no write of its own. `failing_since` (what the circuit breaker reads) is the
 * first failure with no success after it.
 */
export function createDeliveryProgress(destinationId: string): DeliveryProgress {
  let pending = nothing();
  return {
    attempted(outcome) {
      if (outcome.kind === 'delivered') {
        pending.delivered += 1;
        pending.lastSuccessAt = new Date();
        pending.failingSince = null;
        pending.sawSuccess = true;
      } else {
        pending.failedAttempts += 1;
        pending.lastFailure = { at: new Date(), status: outcome.status, error: outcome.error.slice(0, 1000) };
        pending.failingSince ??= pending.lastFailure.at;
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
        await db.query(
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
  };
}
