export type RetryPolicy = {
  /** Attempts per batch, the first included; the batch is reported through onError after the last. */
  maxAttempts: number;
  /** The backoff ceiling before jitter: `initialDelayMs × 2^(attempt − 1)`, capped at `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
};

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 10, initialDelayMs: 500, maxDelayMs: 30_000 };

/**
 * How long to wait after a failed attempt (1 for the first). The server's Retry-After wins: it knows
 * when it will be ready. Otherwise exponential backoff with full jitter, so clients that failed
 * together do not come back together.
 */
export function retryDelayMs(attempt: number, retryAfterMs: number | undefined, policy: RetryPolicy, random: () => number = Math.random): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/** Retry-After in milliseconds: seconds or an HTTP date (RFC 9110); undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** 429 and 5xx may pass; any other 4xx will be answered the same way however often it is sent. */
export const isRetryableStatus = (status: number): boolean => status === 429 || status >= 500;
