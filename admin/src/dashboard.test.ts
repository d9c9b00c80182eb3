import { fillBuckets, windowStart } from './dashboard.js';

describe('dashboard buckets', () => {
  const now = new Date('2026-11-27T14:21:18Z');

  it('starts each window so that its last bucket holds now', () => {
    expect(windowStart(now, '1h').toISOString()).toBe('2026-11-27T13:22:00.000Z');
    expect(windowStart(now, '24h').toISOString()).toBe('2026-11-26T14:30:00.000Z');
    expect(windowStart(now, '7d').toISOString()).toBe('2026-11-20T16:00:00.000Z');
  });

  it('gives every bucket of the window, zero where nothing arrived, received and invalid side by side', () => {
    const start = windowStart(now, '1h');
    const series = fillBuckets(start, '1h', [{ bucket: '2026-11-27T14:21:00Z', count: 3 }], [{ bucket: new Date('2026-11-27T13:22:00Z'), count: 1 }]);
    expect(series).toHaveLength(60);
    expect(series[0]).toEqual({ at: '2026-11-27T13:22:00.000Z', received: 0, invalid: 1 });
    expect(series[59]).toEqual({ at: '2026-11-27T14:21:00.000Z', received: 3, invalid: 0 });
    expect(series.slice(1, 59).every((bucket) => bucket.received === 0 && bucket.invalid === 0)).toBe(true);
  });
});
