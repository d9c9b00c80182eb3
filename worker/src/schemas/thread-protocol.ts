import type { Problem } from '@argus/shared';

/** One event's `data` to check against one version of a schema; the schema travels once per thread. */
export type CheckJob = { id: string; schema?: Record<string, unknown>; data: unknown };

export type ThreadVerdict =
  | { kind: 'checked'; problems: Problem[] }
  /** The check threw (a schema that refers to itself forever) or the schema cannot be compiled. */
  | { kind: 'failed'; message: string }
  /** The check (or the compilation before it) ran past its budget and was stopped, or ran out of memory. */
  | { kind: 'over-budget'; elapsedMs: number; outOfMemory?: boolean };

export type ThreadSettings = { progress: SharedArrayBuffer; budgetMs: number; maxProblems: number };

/** What a thread is doing, in `progress[1]`; `progress[0]` is the job's index and `progress[2]` counts changes. */
export const phase = { idle: 0, compiling: 1, checking: 2 } as const;
