import { maxDataDepth, type Logger } from '@argus/shared';
import { storableCopy } from '../validation/json-safety.js';
import { SchemaThreadUnavailable } from '../schemas/schema-pool.js';
import type { EventStore } from '../storage/event-store.js';
import { check, type CheckDeps } from './check.js';
import { decode } from './decode.js';
import { defer, type Deferrals } from './defer.js';
import { normalise, type NormaliseOptions } from './normalise.js';
import { publisher, type StreamPublisher } from './publish.js';
import { retryUntilDone, type RetryOptions } from './retry.js';
import { store } from './store.js';
import { settle, type Disposition } from './settle.js';
import { invalid, type BatchTally, type EventRef, type Normalised, type Verdict } from './types.js';

export type StepName = 'decode' | 'normalise' | 'check' | 'store' | 'publish' | 'defer';

export type PipelineObserver = {
  step(name: StepName, seconds: number): void;
  /** A batch settled: how its events ended, and when the api received its oldest request. */
  settled(tally: BatchTally, oldestReceivedAt: string | undefined): void;
};

export type PipelineDeps = {
  normalise: NormaliseOptions;
  check: CheckDeps;
  store: EventStore;
  stream: StreamPublisher;
  deferrals: Deferrals;
  /** Backoff while the database, the broker or the schema thread is unavailable; nothing is acked meanwhile. */
  retry: RetryOptions;
  log: Logger;
  observe?: PipelineObserver;
};

/**
 * A batch of broker messages, from their bytes to their dispositions. Each step decides for each
 * event alone (stored, kept invalid with its reasons, discarded with its deleted application, or
 * sent back to the queue when its application's schema checks have taken their share of the batch);
 * a step throws only when the infrastructure is away, and then that step is retried with backoff
 * until it works or the worker stops. Only a message that cannot be decoded is dead-lettered.
 */
export async function runPipeline(contents: readonly Buffer[], deps: PipelineDeps): Promise<Disposition[]> {
  const timed = async <T>(name: StepName, step: () => T | Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await step();
    } finally {
      deps.observe?.step(name, (performance.now() - started) / 1000);
    }
  };
  const retrying = <T>(what: string, step: () => Promise<T>, isOutage?: (error: unknown) => boolean) => retryUntilDone(what, step, deps.retry, isOutage);

  const decoded = await timed('decode', () => decode(contents));
  const normalised = await timed('normalise', () => decoded.events.map((ref) => normaliseOrReport(ref, deps)));
  // the schema thread failing to start is an outage; any other error of this step is a bug, for the consumer's fallback
  const checked = await timed('check', () =>
    retrying('check events against their schemas', () => check(normalised, deps.check), (error) => error instanceof SchemaThreadUnavailable),
  );
  const stored = await timed('store', () => retrying('store a batch', () => store(checked.verdicts, { store: deps.store, log: deps.log })));
  await timed('publish', () => retrying('publish stored events', publisher(stored, deps.stream)));
  await timed('defer', () => retrying('send events back to the ingest queue', () => defer(checked.deferred, deps.deferrals)));

  const tally = {
    stored: stored.events.length,
    invalid: stored.kept,
    discarded: stored.discarded,
    deferred: checked.deferred.length,
    deadLettered: decoded.messages.filter((m) => !m.ok).length,
  };
  deps.log.debug({ requestIds: [...new Set(decoded.events.map((ref) => ref.request.request_id))], ...tally }, 'settled a batch');
  deps.observe?.settled(tally, decoded.events.map((ref) => ref.request.received_at).sort()[0]);
  return decoded.messages.map((message) => settle(message, deps.log));
}

/** A bug that one event triggers in normalising is that event's problem, reported, never its neighbours'. */
function normaliseOrReport(ref: EventRef, deps: PipelineDeps): Verdict<Normalised> {
  try {
    return normalise(ref, deps.normalise);
  } catch (error) {
    deps.log.error({ err: error, eventId: ref.id }, 'normalising an event failed');
    return invalid(ref, [{ path: '', message: `could not be checked: ${(error as Error).message}` }], storableCopy(ref.raw, maxDataDepth));
  }
}

