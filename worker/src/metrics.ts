import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { HandleBatch } from './consumer.js';
import type { DeliveryResult } from './delivery/dispatcher.js';
import type { DeliveryView } from './delivery/status.js';
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
  delivered(destinationId: string, result: DeliveryResult): void;
  /** Which destinations this worker delivers and what it sees of them, replacing what it saw before. */
  destinations(view: DeliveryView): void;
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
  const deferred = new Counter({
    name: 'argus_worker_events_deferred_total',
    help: 'Events sent back to the ingest queue, unchecked, because their application\'s schema checks had taken its share of a batch (SCHEMA_BATCH_SHARE_MS)',
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
    help:
      'Messages handled for webhook destinations, by outcome: delivered, retry_scheduled, dead_lettered, held (behind a failed event of its session), filtered, malformed, receiver_down (an attempt that found the receiver down: the event waits for it), duplicate (a copy of an event delivered lately, acked unsent)',
    labelNames: ['destination', 'outcome'],
    registers: [registry],
  });
  const destinationsOwned = new Gauge({
    name: 'argus_worker_destinations_owned',
    help: 'Running destinations assigned to this worker, which it delivers (or is about to, once the worker that had one lets go)',
    registers: [registry],
  });
  const destinationGauge = (name: string, help: string) => new Gauge({ name, help, labelNames: ['destination'], registers: [registry] });
  // on every delivering worker, for every running destination: sum by (destination) is 1 when exactly one worker has it
  const owner = destinationGauge('argus_worker_destination_owner', '1 on the worker that delivers the running destination (by id), 0 on the other delivering workers');
  // the rest only on the worker that delivers: another knows nothing of the receiver, and a 0 from it would read as "up" or "empty"
  const receiverDown = destinationGauge('argus_worker_destination_receiver_down', '1 while the receiver of the destination (by id) is down and only probed, else 0');
  const receiverDownSeconds = destinationGauge('argus_worker_destination_receiver_down_seconds', 'How long the receiver has been down (0 when up)');
  const nextProbeSeconds = destinationGauge('argus_worker_destination_next_probe_seconds', 'Time to the next probe of a receiver that is down (0 when up)');
  const queueDepth = destinationGauge('argus_worker_destination_queue_depth', 'Events waiting in the destination\'s queue, not yet handed to a consumer');
  const oldestWaiting = destinationGauge('argus_worker_destination_oldest_waiting_seconds', 'Age of the oldest event this worker holds undelivered for the destination (0 when none)');

  return {
    registry,
    delivered: (destination, result) => deliveries.inc({ destination, outcome: result }),
    destinations({ running, owned, statuses }) {
      for (const gauge of [owner, receiverDown, receiverDownSeconds, nextProbeSeconds, queueDepth, oldestWaiting]) gauge.reset();
      destinationsOwned.set(owned.length);
      const mine = new Set(owned);
      for (const id of running) owner.set({ destination: id }, mine.has(id) ? 1 : 0);
      const secondsSince = (date: Date | null) => (date ? Math.max(0, now() - date.getTime()) / 1000 : 0);
      for (const status of statuses) {
        const labels = { destination: status.id };
        receiverDown.set(labels, status.receiverDownSince ? 1 : 0);
        receiverDownSeconds.set(labels, secondsSince(status.receiverDownSince));
        nextProbeSeconds.set(labels, status.nextProbeAt ? Math.max(0, status.nextProbeAt.getTime() - now()) / 1000 : 0);
        if (status.queueDepth !== null) queueDepth.set(labels, status.queueDepth);
        oldestWaiting.set(labels, secondsSince(status.oldestWaitingAt));
      }
    },
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
        deferred.inc(tally.deferred);
        const oldest = oldestReceivedAt === undefined ? NaN : Date.parse(oldestReceivedAt);
        if (Number.isFinite(oldest)) lag.set(Math.max(0, now() - oldest) / 1000);
      },
    },
  };
}
