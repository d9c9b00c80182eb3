import type { Problem } from '@argus/shared';

export type ReasonLimits = { maxReasons: number; maxReasonLength: number };

const cut = (text: string, length: number) => (text.length <= length ? text : `${text.slice(0, length - 1)}…`);

/**
 * Reasons as stored: at most `maxReasons` (the last of them saying how many more there were), each
 * path and message at most `maxReasonLength` characters. A few bytes of hostile input must not become
 * megabytes of reasons in event_errors and in every read of it.
 */
export function boundReasons(problems: readonly Problem[], limits: ReasonLimits): Problem[] {
  const fits = problems.length <= limits.maxReasons;
  const kept = fits ? problems : problems.slice(0, Math.max(0, limits.maxReasons - 1));
  const bounded = kept.map((problem) => ({ path: cut(problem.path, limits.maxReasonLength), message: cut(problem.message, limits.maxReasonLength) }));
  if (!fits) {
    const left = problems.length - kept.length;
    bounded.push({ path: '', message: `and ${left} more problem${left === 1 ? '' : 's'}` });
  }
  return bounded;
}
