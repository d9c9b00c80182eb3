import { createDataSource, topologyFor, type Logger, type ServiceProcess } from '@argus/shared';
import type { DataSource } from 'typeorm';
import type { WorkerConfig } from './config.js';
import { startConsumer, type Consumer } from './consumer.js';
import { createBatchHandler } from './pipeline/handle-batch.js';
import { createValidatorRegistry, registerBuiltInValidators } from './validation/registry.js';

export function createWorker(config: WorkerConfig, log: Logger): ServiceProcess {
  const stopping = new AbortController();
  let db: DataSource | undefined;
  let consumer: Consumer | undefined;

  return {
    async start() {
      db = createDataSource({ url: config.DATABASE_URL, poolSize: config.DB_POOL_SIZE, applicationName: 'argus-worker' });
      await db.initialize();
      const handleBatch = createBatchHandler({
        db,
        check: { registry: registerBuiltInValidators(createValidatorRegistry()), clockSkewAllowanceMs: config.CLOCK_SKEW_ALLOWANCE_MS },
        retry: { initialDelayMs: config.DB_RETRY_INITIAL_MS, maxDelayMs: config.DB_RETRY_MAX_MS },
        signal: stopping.signal,
        log,
      });
      consumer = await startConsumer({
        url: config.AMQP_URL,
        topology: topologyFor(config),
        prefetch: config.PREFETCH,
        batchMaxMessages: config.BATCH_MAX_MESSAGES,
        batchMaxBytes: config.BATCH_MAX_BYTES,
        batchMaxWaitMs: config.BATCH_MAX_WAIT_MS,
        concurrency: config.STORE_CONCURRENCY,
        handleBatch,
        log,
      });
      log.info('worker consuming');
    },

    /** Finishes the batches in hand and acks them; one stuck waiting for the database is left to redelivery. */
    async stop() {
      const giveUp = setTimeout(() => stopping.abort(), config.STOP_GRACE_MS);
      await consumer?.stop();
      clearTimeout(giveUp);
      await db?.destroy();
      consumer = undefined;
      db = undefined;
    },
  };
}
