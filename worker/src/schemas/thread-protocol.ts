import type { Problem } from '@argus/shared';

/** One event's `data` to check against one version of a schema; the schema travels once per thread. */
export type CheckJob = { id: string; schema?: Record<string, unknown>; data: unknown };

export type ThreadVerdict =
  | { kind: 'checked'; problems: Problem[] }
  /** The check threw (a schema that refers to itself forever) or the schema cannot be compiled. */
  | { kind: 'failed'; message: string }
  /** The check (or the compilation before it) ran past its budget and was stopped, or ran out of memory. */
  | { kind: 'over-budget'; elapsedMs: number; outOfMemory?: boolean }
  /** Not run: the checks of this version already took their share of the batch's time (`shareMs`). */
  | { kind: 'deferred' };

/**
 * `budgetMs` bounds one check; `shareMs` bounds what the checks of one version may take of one
 * batch, so that a version whose every check takes just under its budget still holds a batch (and
 * the other applications' events in it) for no longer than its share.
 */
export type ThreadSettings = { progress: SharedArrayBuffer; budgetMs: number; shareMs: number; maxProblems: number };

/** What a thread is doing, in `progress[1]`; `progress[0]` is the job's index and `progress[2]` counts changes. */
export const phase = { idle: 0, compiling: 1, checking: 2 } as const;
