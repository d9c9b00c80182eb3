import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { HandleBatch } from './consumer.js';
import type { DeliveryResult } from './delivery/destination-consumer.js';
import type { PipelineObserver } from './pipeline/runner.js';

export type WorkerMetrics = {
  registry: Registry;
  /** The same handler, timed and its batch sizes counted. */
  measure(handleBatch: HandleBatch): HandleBatch;
  /** Per-step timings and how each batch's events ended. */
  pipeline: PipelineObserver;
  /** A step failed for a reason other than its events (the database, the broker or the schema thread away) and will be tried again. */
  storeRetried(): void;
  /** A schema version ran over its check budget and was suspended. */
  schemaSuspended(): void;
  delivered(result: DeliveryResult): void;
};

export function createWorkerMetrics(now: () => number = Date.now): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'argus_worker_' });
  const stored = new Counter({ name: 'argus_worker_events_stored_total', help: 'Valid events stored in events', registers: [registry] });
  const invalid = new Counter({ name: 'argus_worker_events_invalid_total', help: 'Invalid events stored in event_errors', registers: [registry] });
  const batchMessages = new Histogram({
    name: 'argus_worker_batch_messages',
    help: 'Broker messages per stored batch',
    buckets: [1, 2, 5, 10, 25, 50, 100, 200, 400],
    registers: [registry],
  });
  const batchSeconds = new Histogram({
    name: 'argus_worker_batch_seconds',
    help: 'Time to check and store one batch, retries included',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const retries = new Counter({
    name: 'argus_worker_store_retries_total',
    help: 'Failed attempts of a pipeline step that were retried (the database, the broker or the schema thread unavailable); nothing is acked meanwhile',
    registers: [registry],
  });
  const discarded = new Counter({
    name: 'argus_worker_events_discarded_total',
    help: 'Events discarded because their application no longer exists',
    registers: [registry],
  });
  const stepSeconds = new Histogram({
    name: 'argus_worker_step_seconds',
    help: 'Time each pipeline step took for one batch (decode, normalise, check, store, publish), retries included',
    labelNames: ['step'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const suspensions = new Counter({
    name: 'argus_worker_schema_suspensions_total',
    help: "Schema versions suspended because a check ran over SCHEMA_CHECK_BUDGET_MS (or out of memory); their events are refused with the reason",
    registers: [registry],
  });
  const lag = new Gauge({
    name: 'argus_worker_consumer_lag_seconds',
    help: 'Time from the api receiving the oldest message of the last stored batch to its commit',
    registers: [registry],
  });

  const deliveries = new Counter({
    name: 'argus_worker_deliveries_total',
    help: 'Messages handled for webhook destinations, by outcome: delivered, retry_scheduled, dead_lettered, held (behind a failed event of its session), filtered, malformed',
    labelNames: ['outcome'],
    registers: [registry],
  });

  return {
    registry,
    delivered: (result) => deliveries.inc({ outcome: result }),
    measure: (handleBatch) => async (contents) => {
      batchMessages.observe(contents.length);
      const done = batchSeconds.startTimer();
      try {
        return await handleBatch(contents);
      } finally {
        done();
      }
    },
    storeRetried: () => retries.inc(),
    schemaSuspended: () => suspensions.inc(),
    pipeline: {
      step: (name, seconds) => stepSeconds.observe({ step: name }, seconds),
      settled(tally, oldestReceivedAt) {
        stored.inc(tally.stored);
        invalid.inc(tally.invalid);
        discarded.inc(tally.discarded);
        const oldest = oldestReceivedAt === undefined ? NaN : Date.parse(oldestReceivedAt);
        if (Number.isFinite(oldest)) lag.set(Math.max(0, now() - oldest) / 1000);
      },
    },
  };
}
