import type { DeliveryOutcome, FailedDelivery } from './webhook.js';

/**
 * When a receiver counts as down, and how it is probed. `downAfterFailures` consecutive failures
 * that blame the receiver, from at least two sessions (one event the receiver cannot take is that
 * event's problem, which its session's retries handle), mark it down.
 */
export type ReceiverPolicy = { downAfterFailures: number; probeInitialMs: number; probeMaxMs: number };

/**
 * The receiver as one destination's deliveries see it. Up, it takes events, counting the
 * failures since the last answer that was not one. Down, nothing is sent but one probe at a time,
 * at `nextProbeAt`; the first answer turns it up again.
 */
export type ReceiverHealth =
  | { kind: 'up'; failures: number; failedSessions: readonly string[] }
  | { kind: 'down'; since: number; probesFailed: number; nextProbeAt: number };

export const receiverUp: ReceiverHealth = { kind: 'up', failures: 0, failedSessions: [] };

/** A failure that says the receiver is away rather than that it refuses this event: no answer, 5xx, 408 or 429. */
export function blamesReceiver(failure: FailedDelivery): boolean {
  if (failure.noRetry) return false;
  return failure.status === null || failure.status >= 500 || failure.status === 408 || failure.status === 429;
}

/** The wait before the probe after `probesFailed` failed probes: doubling from the initial wait up to the maximum. */
export function probeDelayMs(probesFailed: number, policy: ReceiverPolicy): number {
  return Math.min(policy.probeMaxMs, policy.probeInitialMs * 2 ** Math.min(probesFailed, 30));
}

/**
 * The health after an attempt to deliver an event of `sessionId`. Any answer that does not blame
 * the receiver (a success, a 4xx refusal) shows it is there. While it is down, only the probe's
 * failure moves the schedule: attempts sent before it went down may still fail afterwards.
 */
export function afterAttempt(
  health: ReceiverHealth,
  attempt: { outcome: DeliveryOutcome; sessionId: string; probe: boolean },
  now: number,
  policy: ReceiverPolicy,
): ReceiverHealth {
  const { outcome } = attempt;
  if (outcome.kind === 'delivered' || !blamesReceiver(outcome)) return receiverUp;
  if (health.kind === 'down') {
    if (!attempt.probe) return health;
    const probesFailed = health.probesFailed + 1;
    return { ...health, probesFailed, nextProbeAt: now + probeDelayMs(probesFailed, policy) };
  }
  const failures = health.failures + 1;
  const failedSessions = health.failedSessions.includes(attempt.sessionId) ? health.failedSessions : [...health.failedSessions, attempt.sessionId].slice(-2);
  if (failures >= policy.downAfterFailures && failedSessions.length >= 2) {
    return { kind: 'down', since: now, probesFailed: 0, nextProbeAt: now + probeDelayMs(0, policy) };
  }
  return { kind: 'up', failures, failedSessions };
}
