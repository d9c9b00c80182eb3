import { retryDelayMs } from './retry-schedule.js';

describe('retry schedule', () => {
  const schedule = { initialDelayMs: 1000, maxDelayMs: 600_000 };

  it('doubles from the initial delay and stops growing at the maximum', () => {
    const middle = () => 0.5;
    expect([1, 2, 3, 8].map((attempt) => retryDelayMs(attempt, schedule, middle))).toEqual([1000, 2000, 4000, 128_000]);
    expect(retryDelayMs(30, schedule, middle)).toBe(600_000);
  });

  it('spreads each delay by at most a tenth either way', () => {
    expect(retryDelayMs(1, schedule, () => 0)).toBe(900);
    expect(retryDelayMs(1, schedule, () => 1)).toBe(1100);
  });
});
