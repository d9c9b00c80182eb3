import { Worker } from 'node:worker_threads';
import { InvalidEventSchema } from './schema-compiler.js';

/** A schema that takes longer than the budget to compile: refused, whatever it is. */
export class SchemaTooComplex extends Error {
  override name = 'SchemaTooComplex';
}

export type OffThreadSchemaCompiler = {
  /** Resolves when the schema compiles within the budget; rejects with InvalidEventSchema or SchemaTooComplex. */
  compile(schema: unknown): Promise<void>;
  close(): Promise<void>;
};

// Tests run this module from its TypeScript source; the thread always runs the built file (`tsc -b` first).
const threadFile = new URL(
  import.meta.url.endsWith('.ts') ? '../../dist/schema-registry/schema-compile-thread.js' : './schema-compile-thread.js',
  import.meta.url,
);

/** What the thread answers a schema: nothing, or why it does not compile. */
type Answer = { error?: string };

/**
 * Compiles schemas on a thread of their own, one at a time, each within `budgetMs`. Compiling is
 * where one application's schema can cost seconds (1,000 patterns like `^\p{L}{1000}$` took 25 s,
 * 6,000 took 154 s): on the caller's thread that would freeze every request, ingest included. A
 * compile over budget is refused and its thread replaced. Only whether it compiles comes back: the
 * compiled function cannot cross threads, and the registry only needs the verdict.
 */
export function createOffThreadSchemaCompiler(options: { budgetMs: number }): OffThreadSchemaCompiler {
  let thread: Promise<Worker> | undefined;
  let turn: Promise<unknown> = Promise.resolve();

  /** A thread, once it is ready to compile (see schema-compile-thread.ts). */
  const readyThread = () =>
    (thread ??= new Promise<Worker>((resolve, reject) => {
      const started = new Worker(threadFile);
      started.unref();
      started.once('message', () => resolve(started));
      started.once('error', reject);
      started.once('exit', () => reject(new Error('the schema compiler thread exited while starting')));
    }).catch((error: unknown) => {
      thread = undefined;
      throw error;
    }));

  const compileNow = async (schema: unknown) => {
    const worker = await readyThread();
    return new Promise<void>((resolve, reject) => {
      const settle = (outcome: () => void, threadUsable = false) => {
        clearTimeout(timer);
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        if (!threadUsable) {
          thread = undefined;
          void worker.terminate();
        }
        outcome();
      };
      const onMessage = (answer: Answer) =>
        settle(() => (answer.error === undefined ? resolve() : reject(new InvalidEventSchema(answer.error))), true);
      const onError = (error: Error) => settle(() => reject(error));
      const onExit = () => settle(() => reject(new Error('the schema compiler thread exited')));
      const timer = setTimeout(
        () =>
          settle(() =>
            reject(new SchemaTooComplex(`the schema takes longer than ${options.budgetMs} ms to compile (SCHEMA_COMPILE_BUDGET_MS): use fewer or simpler patterns, or fewer enum values`)),
          ),
        options.budgetMs,
      );
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      worker.postMessage(schema);
    });
  };

  return {
    compile(schema) {
      // one compile at a time, each timed from its own start: one that waits is not charged for the one before
      const result = turn.then(() => compileNow(schema));
      turn = result.catch(() => {});
      return result;
    },
    async close() {
      const closing = thread;
      thread = undefined;
      await closing?.then((worker) => worker.terminate(), () => {});
    },
  };
}
