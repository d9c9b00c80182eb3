import { parentPort, workerData } from 'node:worker_threads';
// the compiler alone: the whole of @argus/shared (typeorm, pg, amqplib) would cost the thread a second to start
import { createSchemaCompiler, InvalidEventSchema, type ValidateFunction } from '@argus/shared/schema-compiler';
import { problemsFromAjv } from './ajv-problems.js';
import { phase, type CheckJob, type ThreadSettings, type ThreadVerdict } from './thread-protocol.js';

/**
 * Runs applications' JSON Schemas off the worker's event loop. Each job's phase is written to shared
 * memory before it starts, so that the pool can tell which job is stuck and end this thread: a
 * synchronous ajv check cannot be interrupted any other way.
 */
const settings = workerData as ThreadSettings;
const progress = new Int32Array(settings.progress);
const compiler = createSchemaCompiler();
// every schema as it arrived (once per version and thread, see the pool), compiled when first needed
const schemas = new Map<string, Record<string, unknown>>();
const validators = new Map<string, ValidateFunction | InvalidEventSchema>();

function enter(next: number, job: number): void {
  Atomics.store(progress, 0, job);
  Atomics.store(progress, 1, next);
  Atomics.add(progress, 2, 1);
}

function validatorOf(job: CheckJob): ValidateFunction | InvalidEventSchema {
  let validator = validators.get(job.id);
  if (!validator) {
    try {
      validator = compiler.compile(schemas.get(job.id));
      warmUp(validator);
    } catch (error) {
      validator = error instanceof InvalidEventSchema ? error : new InvalidEventSchema(String(error));
    }
    validators.set(job.id, validator);
  }
  return validator;
}

/** A first call runs cold (interpreted): made here, under the compile budget, it does not count against an event's. */
function warmUp(validator: ValidateFunction): void {
  try {
    validator(null);
  } catch {
    // the events' own checks report what is wrong with it
  }
}

function run(job: CheckJob, index: number, spent: Map<string, number>): ThreadVerdict {
  // kept before anything else: a job deferred now may be the only one that carried its schema here
  if (job.schema !== undefined) {
    schemas.set(job.id, job.schema);
    validators.delete(job.id);
  }
  if ((spent.get(job.owner) ?? 0) >= settings.shareMs) return { kind: 'deferred' };
  enter(phase.compiling, index);
  const validator = validatorOf(job);
  if (validator instanceof InvalidEventSchema) return { kind: 'failed', message: `the schema cannot be used: ${validator.message}` };
  enter(phase.checking, index);
  const started = performance.now();
  try {
    const valid = validator(job.data);
    const elapsedMs = performance.now() - started;
    spent.set(job.owner, (spent.get(job.owner) ?? 0) + elapsedMs);
    // finished, but late: over budget all the same, whatever the watchdog saw
    if (elapsedMs > settings.budgetMs) return { kind: 'over-budget', elapsedMs };
    return { kind: 'checked', problems: valid ? [] : problemsFromAjv(validator.errors, settings.maxProblems) };
  } catch (error) {
    // a schema that refers to itself forever ends in a stack overflow: that event's problem, nobody else's
    return { kind: 'failed', message: (error as Error).message };
  }
}

parentPort!.on('message', (jobs: CheckJob[]) => {
  // the time each application's checks have taken of this batch
  const spent = new Map<string, number>();
  const verdicts = jobs.map((job, index) => run(job, index, spent));
  enter(phase.idle, 0);
  parentPort!.postMessage(verdicts);
});
