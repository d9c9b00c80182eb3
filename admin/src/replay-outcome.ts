import { formatTime } from './time-format.js';

export type ReplayState = { replayRequestedAt: Date | null; replayedAt: Date | null };

/**
 * What became of the last replay of an invalid event, from the marks the panel and the worker leave:
 * the panel sets both times; the worker clears `replayedAt` when the event fails again. When it
 * passes, the worker moves it to `events` and its error row is gone (see `replayStored`). Null when
 * it was never replayed.
 */
export function replayOutcome({ replayRequestedAt, replayedAt }: ReplayState): string | null {
  if (!replayRequestedAt) return null;
  const when = formatTime(replayRequestedAt);
  if (replayedAt) return `sent at ${when}, waiting for the worker`;
  return `failed again when replayed at ${when}: the reasons shown are the new ones`;
}

/** The outcome once a replayed event's error row is gone: it passed, and lives in `events` now. */
export const replayStored = 'stored: it passed the rules and moved to Events';
