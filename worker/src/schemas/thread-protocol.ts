import type { Problem } from '@argus/shared';

/**
 * One event's `data` to check against one version of a schema; the schema travels once per thread.
 * `owner` is the application whose share of the batch the check counts against.
 */
export type CheckJob = { id: string; owner: string; schema?: Record<string, unknown>; data: unknown };

export type ThreadVerdict =
  | { kind: 'checked'; problems: Problem[] }
  /** The check threw (a schema that refers to itself forever) or the schema cannot be compiled. */
  | { kind: 'failed'; message: string }
  /** The check (or the compilation before it) ran past its budget and was stopped, or ran out of memory. */
  | { kind: 'over-budget'; elapsedMs: number; outOfMemory?: boolean }
  /** Not run: the checks of its application already took their share of the batch's time (`shareMs`). */
  | { kind: 'deferred' };

/**
 * `budgetMs` bounds one check; `shareMs` bounds what the checks of one application's events may
 * take of one batch together, so that schemas whose every check takes just under the budget (one
 * version, or as many kinds as the application registers) hold a batch, and the other applications'
 * events in it, for no longer than that application's share.
 */
export type ThreadSettings = { progress: SharedArrayBuffer; budgetMs: number; shareMs: number; maxProblems: number };

/** What a thread is doing, in `progress[1]`; `progress[0]` is the job's index and `progress[2]` counts changes. */
export const phase = { idle: 0, compiling: 1, checking: 2 } as const;
