import { replayOutcome } from './replay-outcome.js';
import { formatTime } from './time-format.js';

describe('replayOutcome', () => {
  const at = new Date('2026-11-27T14:21:18.123Z');

  it('says nothing of an event never replayed', () => {
    expect(replayOutcome({ replayRequestedAt: null, replayedAt: null })).toBeNull();
  });

  it('tells a replay the worker has not decided yet from one that failed again', () => {
    expect(replayOutcome({ replayRequestedAt: at, replayedAt: at })).toBe('sent at 2026-11-27 14:21:18 UTC, waiting for the worker');
    expect(replayOutcome({ replayRequestedAt: at, replayedAt: null })).toMatch(/^failed again when replayed at 2026-11-27 14:21:18 UTC/);
  });

  it('formats times to the second, or the millisecond, with their zone', () => {
    expect(formatTime(at)).toBe('2026-11-27 14:21:18 UTC');
    expect(formatTime(at.toISOString(), true)).toBe('2026-11-27 14:21:18.123 UTC');
    expect(formatTime(null)).toBe('');
  });
});
