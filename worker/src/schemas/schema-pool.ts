import { Worker } from 'node:worker_threads';
import type { Logger } from '@argus/shared';
import { phase, type CheckJob, type ThreadSettings, type ThreadVerdict } from './thread-protocol.js';

/** What became of one job: the thread's verdict, or not run because an earlier job of its schema ran over budget. */
export type PoolVerdict = ThreadVerdict | { kind: 'not-run' };

export type SchemaPool = {
  /** Checks every job; resolves with one verdict each, in order. Rejects only when no thread can be started. */
  check(jobs: readonly Required<CheckJob>[]): Promise<PoolVerdict[]>;
  close(): Promise<void>;
};

export type SchemaPoolOptions = {
  /** How long one event's check may run. */
  budgetMs: number;
  /** How long the checks of one application's events may run in one batch, together (see ThreadSettings). */
  shareMs: number;
  /** How long compiling one version may take (once per version and thread). */
  compileBudgetMs: number;
  maxProblems: number;
  /** The thread's heap: a check that builds millions of error objects ends there, not in the worker. */
  memoryLimitMb: number;
  log: Logger;
};

/** The thread could not be started at all: a fault of the deployment, retried like an outage, never an event's fate. */
export class SchemaThreadUnavailable extends Error {
  override name = 'SchemaThreadUnavailable';
}

type Thread = { worker: Worker; progress: Int32Array; online: Promise<void>; known: Set<string> };
type Attempt = { verdicts: ThreadVerdict[] } | { culprit: number; verdict: ThreadVerdict };

// run from source (ts-jest), the pool has no compiled thread beside it: the build's is used
const here = import.meta.url;
const threadEntry = new URL(here.endsWith('.ts') ? here.replace(/\/src\/([^/]+)\/[^/]+\.ts$/, '/dist/$1/schema-thread.js') : './schema-thread.js', here);

/**
 * Checks events against applications' schemas on a thread of its own, one batch at a time, with a
 * watchdog on the main thread: a check that runs past its budget (a schema whose cost explodes) or
 * out of memory gets that verdict, the thread is ended and replaced, and the batch's other jobs run
 * on the new one. The worker's event loop never waits on an application's schema, so heartbeats and
 * every other application's events go on.
 */
export function createSchemaPool(options: SchemaPoolOptions): SchemaPool {
  let thread: Thread | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  function spawn(): Thread {
    const progress = new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT);
    const settings: ThreadSettings = { progress, budgetMs: options.budgetMs, shareMs: options.shareMs, maxProblems: options.maxProblems };
    const worker = new Worker(threadEntry, {
      workerData: settings,
      // a small stack: a schema that refers to itself overflows it at once rather than after its budget
      resourceLimits: { maxOldGenerationSizeMb: options.memoryLimitMb, stackSizeMb: 1 },
    });
    worker.unref();
    const online = new Promise<void>((resolve, reject) => {
      worker.once('online', resolve);
      worker.once('error', (error) => reject(new SchemaThreadUnavailable(`cannot start the schema thread: ${error.message}`)));
    });
    online.catch(() => {});
    const spawned = { worker, progress: new Int32Array(progress), online, known: new Set<string>() };
    // a thread that died between batches is not posted to again
    worker.once('exit', () => {
      if (thread === spawned) thread = undefined;
    });
    return spawned;
  }

  function attempt(target: Thread, jobs: readonly CheckJob[]): Promise<Attempt> {
    return new Promise((resolve) => {
      let seen = Atomics.load(target.progress, 2);
      let since = performance.now();
      const stuck = (verdict: ThreadVerdict) => finish({ culprit: Atomics.load(target.progress, 0), verdict });
      const watchdog = setInterval(() => {
        const now = performance.now();
        const changes = Atomics.load(target.progress, 2);
        if (changes !== seen) {
          seen = changes;
          since = now;
          return;
        }
        const current = Atomics.load(target.progress, 1);
        const limit = current === phase.compiling ? options.compileBudgetMs : options.budgetMs;
        if (current !== phase.idle && now - since > limit) stuck({ kind: 'over-budget', elapsedMs: Math.round(now - since) });
      }, Math.max(5, Math.floor(options.budgetMs / 4)));
      const onMessage = (verdicts: ThreadVerdict[]) => finish({ verdicts });
      const onError = (error: Error & { code?: string }) =>
        stuck(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? { kind: 'over-budget', elapsedMs: Math.round(performance.now() - since), outOfMemory: true }
            : { kind: 'failed', message: error.message },
        );
      const onExit = (code: number) => stuck({ kind: 'failed', message: `the schema thread exited (${code})` });
      function finish(outcome: Attempt): void {
        clearInterval(watchdog);
        target.worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        resolve(outcome);
      }
      target.worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      target.worker.postMessage(jobs);
    });
  }

  async function checkAll(jobs: readonly Required<CheckJob>[]): Promise<PoolVerdict[]> {
    const verdicts: PoolVerdict[] = new Array(jobs.length);
    let pending = jobs.map((job, index) => ({ job, index }));
    while (pending.length > 0) {
      const current = (thread ??= spawn());
      try {
        await current.online;
      } catch (error) {
        thread = undefined;
        throw error;
      }
      // a schema travels to a thread once, with its first job; later jobs name it by id
      const sent = pending.map(({ job }) => {
        if (current.known.has(job.id)) return { id: job.id, owner: job.owner, data: job.data };
        current.known.add(job.id);
        return job;
      });
      const outcome = await attempt(current, sent);
      if ('verdicts' in outcome) {
        outcome.verdicts.forEach((verdict, position) => (verdicts[pending[position]!.index] = verdict));
        return verdicts;
      }
      // the job at fault gets the verdict; the thread, stuck or dead, is replaced; the others run again
      thread = undefined;
      await current.worker.terminate();
      const culprit = pending[outcome.culprit]!;
      verdicts[culprit.index] = outcome.verdict;
      options.log.warn({ schemaId: culprit.job.id, verdict: outcome.verdict }, 'a schema check was stopped; the schema thread restarts');
      // later jobs of a schema that ran over budget would most likely stall again: they are not run
      const suspended = outcome.verdict.kind === 'over-budget' ? culprit.job.id : undefined;
      pending = pending.filter((entry) => {
        if (entry === culprit) return false;
        if (entry.job.id !== suspended) return true;
        verdicts[entry.index] = { kind: 'not-run' };
        return false;
      });
    }
    return verdicts;
  }

  return {
    check(jobs) {
      if (jobs.length === 0) return Promise.resolve([]);
      // one batch at a time on the one thread: the batches of concurrent stores queue here
      const result = queue.then(() => checkAll(jobs));
      queue = result.catch(() => {});
      return result;
    },
    async close() {
      await queue;
      const current = thread;
      thread = undefined;
      await current?.worker.terminate();
    },
  };
}
