import type { FailedDelivery } from './webhook.js';

/** What becomes of an event the receiver did not take, while the receiver is up. */
export type AfterFailure = { kind: 'dead-letter' } | { kind: 'hold'; attempts: number; delayMs: number };

/** Give up when the receiver said not to retry or the attempts are spent; else hold the session until the retry. */
export function afterFailure(failure: FailedDelivery, attempts: number, schedule: { maxAttempts: number; retryDelayMs: (attempts: number) => number }): AfterFailure {
  if (failure.noRetry || attempts >= schedule.maxAttempts) return { kind: 'dead-letter' };
  return { kind: 'hold', attempts, delayMs: schedule.retryDelayMs(attempts) };
}

/** A wake-up this far ahead of its session's due time is a duplicate; the one that is due is still coming. */
export const earlyWakeUpToleranceMs = 1000;

/**
 * Whether a wake-up delivers its session's backlog: only for a held session whose retry is due. A
 * session no longer held (its backlog went meanwhile) or one whose next retry is later (a duplicate
 * or an old wake-up) has nothing to do.
 */
export function wakeUpDelivers(dueAt: number | undefined, now: number): boolean {
  return dueAt !== undefined && dueAt - now <= earlyWakeUpToleranceMs;
}

/** Held sessions whose wake-up is later than `graceMs`: lost, say, with a broker; each gets a fresh one. */
export function overdueSessions(held: ReadonlyMap<string, number>, now: number, graceMs: number): string[] {
  return [...held].filter(([, dueAt]) => now - dueAt >= graceMs).map(([sessionId]) => sessionId);
}
