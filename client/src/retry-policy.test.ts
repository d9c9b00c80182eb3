import { parseRetryAfter, retryDelayMs, isRetryableStatus } from './retry-policy.js';

const policy = { maxAttempts: 5, initialDelayMs: 100, maxDelayMs: 1000 };

describe('the retry policy', () => {
  it('backs off exponentially up to the cap, with full jitter below it', () => {
    expect([1, 2, 3, 4, 5, 6].map((attempt) => retryDelayMs(attempt, undefined, policy, () => 0.999999))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(retryDelayMs(3, undefined, policy, () => 0)).toBe(0);
    expect(retryDelayMs(3, undefined, policy, () => 0.5)).toBe(200);
  });

  it("waits what the server's Retry-After says, in seconds or as a date", () => {
    expect(retryDelayMs(1, 3000, policy, () => 0)).toBe(3000);
    expect(parseRetryAfter('5')).toBe(5000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });

  it('retries 429 and 5xx, never another 4xx', () => {
    expect([400, 401, 403, 404, 408, 413, 415, 429, 500, 502, 503].filter(isRetryableStatus)).toEqual([429, 500, 502, 503]);
  });
});
