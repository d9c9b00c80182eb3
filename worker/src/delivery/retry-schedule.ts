export type RetrySchedule = { initialDelayMs: number; maxDelayMs: number; maxAttempts: number };

/** Delays may land this far either side of the schedule, so that a burst of failures does not retry in lockstep. */
const jitter = 0.1;

/**
 * How long to wait after the `attempt`-th failed attempt of an event. The waits grow by a constant
 * factor from the initial delay to the maximum, which is the last wait before the final attempt:
 * with the defaults (1 s to 10 min, 8 attempts) about 1, 2.9, 8.4, 24, 71 s, 3.4 and 10 min, so a
 * receiver may be away for a quarter of an hour before an event is dead-lettered.
 */
export function retryDelayMs(attempt: number, schedule: RetrySchedule, random: () => number = Math.random): number {
  const waits = Math.max(1, schedule.maxAttempts - 1);
  const growth = waits === 1 ? 1 : (schedule.maxDelayMs / schedule.initialDelayMs) ** (1 / (waits - 1));
  const planned = Math.min(schedule.maxDelayMs, schedule.initialDelayMs * growth ** (attempt - 1));
  return Math.max(1, Math.round(planned * (1 - jitter + 2 * jitter * random())));
}
