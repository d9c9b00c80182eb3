import { retryDelayMs } from './retry-schedule.js';

describe('retry schedule', () => {
  const schedule = { initialDelayMs: 1000, maxDelayMs: 600_000, maxAttempts: 8 };
  const middle = () => 0.5;

  it('grows by a constant factor from the initial delay to the maximum, the last wait', () => {
    const waits = [1, 2, 3, 4, 5, 6, 7].map((attempt) => retryDelayMs(attempt, schedule, middle));
    expect(waits[0]).toBe(1000);
    expect(waits[6]).toBe(600_000);
    const factors = waits.slice(1).map((wait, index) => wait / waits[index]!);
    for (const factor of factors) expect(factor).toBeCloseTo(600 ** (1 / 6), 2);
    expect(retryDelayMs(30, schedule, middle)).toBe(600_000);
  });

  it('waits the initial delay when there is a single retry', () => {
    expect(retryDelayMs(1, { ...schedule, maxAttempts: 2 }, middle)).toBe(1000);
  });

  it('spreads each delay by at most a tenth either way', () => {
    expect(retryDelayMs(1, schedule, () => 0)).toBe(900);
    expect(retryDelayMs(1, schedule, () => 1)).toBe(1100);
  });
});
