import type { Logger } from '@argus/shared';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * SQLSTATE classes that blame the rows, not the database: data exceptions (22), integrity
 * violations (23), program limits such as nesting depth (54). Retrying those cannot help.
 */
const dataErrorClasses = new Set(['22', '23', '54']);

export function isCausedByData(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.length === 5 && dataErrorClasses.has(code.slice(0, 2));
}

export type RetryOptions = { initialDelayMs: number; maxDelayMs: number; signal: AbortSignal; log: Logger; onRetry?: () => void };

/**
 * Runs `operation` until it succeeds, backing off exponentially (with jitter) while the database
 * or the broker is unreachable or failing. Errors caused by the data, and those `isOutage` does not
 * count as an outage, are rethrown at once; so is the stop signal.
 */
export async function retryUntilDone<T>(what: string, operation: () => Promise<T>, options: RetryOptions, isOutage: (error: unknown) => boolean = () => true): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    options.signal.throwIfAborted();
    try {
      return await operation();
    } catch (error) {
      if (isCausedByData(error) || !isOutage(error) || options.signal.aborted) throw error;
      const delay = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      options.log.warn({ err: error, attempt, delayMs: Math.round(delay) }, `cannot ${what}; retrying`);
      options.onRetry?.();
      await sleep(delay, undefined, { signal: options.signal });
    }
  }
}
