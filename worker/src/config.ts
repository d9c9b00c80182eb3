import { baseConfigShape, ConfigError, destinationNetworkShape, loadConfig } from '@argus/shared';
import { z } from 'zod';

const int = () => z.coerce.number().int();

export const workerConfigShape = {
  ...baseConfigShape,
  ...destinationNetworkShape,
  PREFETCH: int().positive().default(400),
  BATCH_MAX_MESSAGES: int().positive().default(200),
  BATCH_MAX_BYTES: int().positive().default(4 * 1024 * 1024),
  BATCH_MAX_WAIT_MS: int().nonnegative().default(10),
  STORE_CONCURRENCY: int().positive().default(2),
  DB_POOL_SIZE: int().positive().default(4),
  /** How far ahead of the server's clock an event's timestamp may be before it is refused as "in the future". */
  CLOCK_SKEW_ALLOWANCE_MS: int().nonnegative().default(60_000),
  /** How often the registered JSON Schemas are reread: a new version or an activation applies within this time. */
  SCHEMA_REFRESH_MS: int().positive().default(2000),
  /**
   * How long checking one event against an application's JSON Schema may take. A check past it is
   * stopped, its event kept as invalid with the reason, and the version suspended.
   */
  SCHEMA_CHECK_BUDGET_MS: int().positive().default(50),
  /**
   * How long the schema checks of one application's events may take of one batch, together, over
   * all its kinds. Its events beyond that go back to the ingest queue and are checked in later
   * batches: schemas whose every check takes just under SCHEMA_CHECK_BUDGET_MS hold the other
   * applications' events in a batch for this long at most, instead of their number of events times the budget.
   */
  SCHEMA_BATCH_SHARE_MS: int().positive().default(250),
  /**
   * The api refuses schemas that take longer than this to compile; the worker allows each version
   * twice as long (once per version and worker), so that what the api accepted compiles on a busier worker too.
   */
  SCHEMA_COMPILE_BUDGET_MS: int().positive().default(1000),
  /** The heap of the thread that runs schema checks: a check that builds millions of error objects ends there. */
  SCHEMA_THREAD_MEMORY_MB: int().min(16).default(256),
  /** Reasons kept for one invalid event at most (the last one counts the rest), and the length of each. */
  MAX_REASONS_PER_EVENT: int().min(2).default(20),
  MAX_REASON_LENGTH: int().min(20).default(300),
  DB_RETRY_INITIAL_MS: int().positive().default(200),
  DB_RETRY_MAX_MS: int().positive().default(10_000),
  /**
   * How long the broker may take to confirm a batch's stored events before publishing them is
   * retried. Delivery's wake-ups wait as long for theirs: past it, the destination's consumer
   * restarts and the message in hand comes again.
   */
  STREAM_CONFIRM_TIMEOUT_MS: int().positive().default(10_000),
  /** How long stopping waits for batches in hand to commit before leaving them to redelivery. */
  STOP_GRACE_MS: int().nonnegative().default(5000),
  /** Port of the worker's /metrics and /health. */
  WORKER_METRICS_PORT: int().min(0).max(65535).default(9101),
  WORKER_METRICS_HOST: z.string().default('0.0.0.0'),

  /** 'false' leaves storing incoming events to other workers: this one only delivers to destinations. */
  INGEST_ENABLED: z.stringbool().default(true),
  /** 'false' leaves delivery to destinations to other workers (or to none). A stringbool: z.coerce.boolean would read "false" as true. */
  DELIVERY_ENABLED: z.stringbool().default(true),
  /** How often a delivering worker records in `delivery_workers` that it is alive. */
  DELIVERY_HEARTBEAT_MS: int().positive().default(1000),
  /**
   * A delivering worker not seen for this long counts as gone (killed, frozen, cut off), and the
   * others share its destinations. A few heartbeats, so that one slow heartbeat moves nothing; a
   * worker that stops cleanly leaves at once without waiting it out.
   */
  DELIVERY_WORKER_TTL_MS: int().positive().default(3000),
  /** How often the destinations table is read: a destination stopped or started takes effect within this time. */
  DESTINATION_REFRESH_MS: int().positive().default(1000),
  /** Events delivered at once to one destination, across sessions (a session's go one at a time). */
  DELIVERY_CONCURRENCY: int().positive().default(16),
  /** Messages a destination's consumer holds; above the concurrency, so that one busy session does not idle the rest. */
  DELIVERY_PREFETCH: int().positive().default(256),
  /** How long a receiver may take to answer before the attempt counts as failed. */
  DELIVERY_TIMEOUT_MS: int().positive().default(10_000),
  /** Attempts of one event before it goes to the destination's dead letters. */
  DELIVERY_MAX_ATTEMPTS: int().positive().max(16).default(8),
  /** The wait after the first failed attempt; the waits grow by a constant factor to DELIVERY_RETRY_MAX_MS, the last one. */
  DELIVERY_RETRY_INITIAL_MS: int().positive().default(1000),
  DELIVERY_RETRY_MAX_MS: int().positive().default(600_000),
  /** A destination that has had no success for this long since it started failing is paused (the circuit breaker). */
  DESTINATION_PAUSE_AFTER_MS: int().positive().default(24 * 60 * 60 * 1000),
  /** A held session whose wake-up is this late gets another: a wake-up lost to a broker failure must not hold it for ever. */
  DELIVERY_WAKEUP_GRACE_MS: int().positive().default(30_000),
  /**
   * Consecutive failures that blame the receiver (no answer, 5xx, 408, 429), from at least two
   * sessions, after which it counts as down: the destination then sends one probe at a time
   * instead of attempting, holding and retrying every event.
   */
  DELIVERY_RECEIVER_DOWN_AFTER: int().positive().default(5),
  /** The wait before the first probe of a receiver that is down; it doubles after each failed probe up to DELIVERY_PROBE_MAX_MS. */
  DELIVERY_PROBE_INITIAL_MS: int().positive().default(1000),
  DELIVERY_PROBE_MAX_MS: int().positive().default(60_000),
};

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(workerConfigShape, [], env);
  // a TTL within one heartbeat would count every worker dead between two heartbeats, and move every destination
  if (config.DELIVERY_WORKER_TTL_MS <= config.DELIVERY_HEARTBEAT_MS) {
    throw new ConfigError(
      `invalid configuration:\n  DELIVERY_WORKER_TTL_MS: must be longer than DELIVERY_HEARTBEAT_MS (${config.DELIVERY_HEARTBEAT_MS}), a few heartbeats`,
    );
  }
  return config;
}
export type WorkerConfig = ReturnType<typeof loadWorkerConfig>;
