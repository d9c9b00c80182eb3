import { formatTime } from './time-format.js';

export type ReplayState = { replayRequestedAt: Date | null; replayedAt: Date | null; stored: boolean };

/**
 * What became of the last replay of an invalid event, from the marks the panel and the worker leave:
 * the panel sets both times; the worker clears `replayedAt` when the event fails again, and stores
 * it in `events` when it passes. Null when it was never replayed.
 */
export function replayOutcome({ replayRequestedAt, replayedAt, stored }: ReplayState): string | null {
  if (!replayRequestedAt) return null;
  const when = formatTime(replayRequestedAt);
  if (stored) return `stored: it passed the rules when replayed at ${when}`;
  if (replayedAt) return `sent at ${when}, waiting for the worker`;
  return `failed again when replayed at ${when}: the reasons shown are the new ones`;
}
