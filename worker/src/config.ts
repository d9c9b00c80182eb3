import { baseConfigShape, loadConfig } from '@argus/shared';
import { z } from 'zod';

const int = () => z.coerce.number().int();

export const workerConfigShape = {
  ...baseConfigShape,
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
  DB_RETRY_INITIAL_MS: int().positive().default(200),
  DB_RETRY_MAX_MS: int().positive().default(10_000),
  /** How long the broker may take to confirm a batch's stored events before publishing them is retried. */
  STREAM_CONFIRM_TIMEOUT_MS: int().positive().default(10_000),
  /** How long stopping waits for batches in hand to commit before leaving them to redelivery. */
  STOP_GRACE_MS: int().nonnegative().default(5000),
  /** Port of the worker's /metrics and /health. */
  WORKER_METRICS_PORT: int().min(0).max(65535).default(9101),
  WORKER_METRICS_HOST: z.string().default('0.0.0.0'),
};

export const loadWorkerConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig(workerConfigShape, [], env);
export type WorkerConfig = ReturnType<typeof loadWorkerConfig>;
