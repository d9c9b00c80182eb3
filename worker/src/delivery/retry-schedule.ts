export type RetrySchedule = { initialDelayMs: number; maxDelayMs: number };

/** Delays may land this far either side of the schedule, so that a burst of failures does not retry in lockstep. */
const jitter = 0.1;

/**
 * How long to wait after the `attempt`-th failed attempt of an event: the initial delay, doubled
 * per attempt, capped. With the defaults (1 s to 10 min, 8 attempts) an event is retried after
 * about 1, 2, 4, 8, 16, 32 and 64 s, then dead-lettered.
 */
export function retryDelayMs(attempt: number, schedule: RetrySchedule, random: () => number = Math.random): number {
  const planned = Math.min(schedule.maxDelayMs, schedule.initialDelayMs * 2 ** (attempt - 1));
  return Math.max(1, Math.round(planned * (1 - jitter + 2 * jitter * random())));
}
