import type { Logger } from '@argus/shared';

export type LogRefusal = (refusal: { code: string; message: string; requestId: string }) => void;

/**
 * Logs requests refused with a 5xx the api expects (the broker away, blocked or behind) as a rate,
 * not one line each: 576 lines in 31 s of a broker restart told nothing the first did not. The first
 * refusal of a spell is logged whole, then one line per `intervalMs` counts the refusals by code; a
 * quiet interval ends the spell. The broker connection's own changes are logged where they happen.
 */
export function createRefusalLog(log: Logger, intervalMs = 10_000): LogRefusal {
  let counts = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  const summarise = () => {
    timer = undefined;
    if (counts.size === 0) return;
    log.warn({ refused: Object.fromEntries(counts), seconds: intervalMs / 1000 }, 'requests refused while the broker cannot take them');
    counts = new Map();
    timer = setTimeout(summarise, intervalMs).unref();
  };
  return ({ code, message, requestId }) => {
    if (timer) {
      counts.set(code, (counts.get(code) ?? 0) + 1);
      return;
    }
    log.warn({ code, requestId }, message);
    timer = setTimeout(summarise, intervalMs).unref();
  };
}
