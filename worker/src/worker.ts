import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { allowsPrivateNetworks, createDataSource, topologyFor, type Logger } from '@argus/shared';
import type { DataSource } from 'typeorm';
import type { WorkerConfig } from './config.js';
import { startConsumer, type Consumer } from './consumer.js';
import { createDeferralQueue } from './deferrals.js';
import { joinDeliveryWorkers, type Membership } from './delivery/membership.js';
import { retryDelayMs } from './delivery/retry-schedule.js';
import { startDeliverySupervisor, type DeliverySupervisor } from './delivery/supervisor.js';
import { createPgWorkerRegistry } from './delivery/worker-registry.js';
import { startMetricsServer } from './metrics-server.js';
import { createWorkerMetrics } from './metrics.js';
import { runPipeline, type PipelineDeps } from './pipeline/runner.js';
import { createSchemaCatalog } from './schemas/schema-catalog.js';
import { createSchemaChecker } from './schemas/schema-checker.js';
import { createSchemaPool, type SchemaPool } from './schemas/schema-pool.js';
import { recordSuspension, startSchemaRefresh, type SchemaRefresh } from './schemas/schema-refresh.js';
import { createPgEventStore } from './storage/pg-event-store.js';
import { createStoredEventStream } from './stored-stream.js';
import { createValidatorRegistry, registerBuiltInValidators } from './validation/registry.js';

export type WorkerProcess = { start(): Promise<{ metrics: AddressInfo }>; stop(): Promise<void> };

export function createWorker(config: WorkerConfig, log: Logger): WorkerProcess {
  const stopping = new AbortController();
  let db: DataSource | undefined;
  let consumer: Consumer | undefined;
  let schemaRefresh: SchemaRefresh | undefined;
  let schemaPool: SchemaPool | undefined;
  let delivery: DeliverySupervisor | undefined;
  let membershipDb: DataSource | undefined;
  let membership: Membership | undefined;
  let metricsServer: Awaited<ReturnType<typeof startMetricsServer>> | undefined;
  const topology = topologyFor(config);
  const stream = createStoredEventStream({ exchange: topology.storedEventsExchange, confirmTimeoutMs: config.STREAM_CONFIRM_TIMEOUT_MS });
  const deferrals = createDeferralQueue({ topology, confirmTimeoutMs: config.STREAM_CONFIRM_TIMEOUT_MS });

  return {
    async start() {
      db = createDataSource({ url: config.DATABASE_URL, poolSize: config.DB_POOL_SIZE, applicationName: 'argus-worker' });
      await db.initialize();
      const metrics = createWorkerMetrics();
      metricsServer = await startMetricsServer(metrics.registry, config.WORKER_METRICS_PORT, config.WORKER_METRICS_HOST);
      const catalog = createSchemaCatalog();
      schemaRefresh = await startSchemaRefresh({ db, catalog, intervalMs: config.SCHEMA_REFRESH_MS, log });
      schemaPool = createSchemaPool({
        budgetMs: config.SCHEMA_CHECK_BUDGET_MS,
        shareMs: config.SCHEMA_BATCH_SHARE_MS,
        compileBudgetMs: 2 * config.SCHEMA_COMPILE_BUDGET_MS,
        maxProblems: config.MAX_REASONS_PER_EVENT,
        memoryLimitMb: config.SCHEMA_THREAD_MEMORY_MB,
        log,
      });
      const store = createPgEventStore(db);
      const pipeline: PipelineDeps = {
        normalise: { clockSkewAllowanceMs: config.CLOCK_SKEW_ALLOWANCE_MS },
        check: {
          registry: registerBuiltInValidators(createValidatorRegistry()),
          schemas: createSchemaChecker({
            catalog,
            pool: schemaPool,
            budgetMs: config.SCHEMA_CHECK_BUDGET_MS,
            onSuspended: (id, reason) => {
              metrics.schemaSuspended();
              log.warn({ schemaId: id, reason }, 'suspended a schema version whose check ran over its budget');
              recordSuspension(db!, id, reason).catch((error: unknown) => log.warn({ err: error, schemaId: id }, 'cannot record a schema suspension'));
            },
          }),
          reasons: { maxReasons: config.MAX_REASONS_PER_EVENT, maxReasonLength: config.MAX_REASON_LENGTH },
          log,
        },
        store,
        stream,
        deferrals,
        retry: { initialDelayMs: config.DB_RETRY_INITIAL_MS, maxDelayMs: config.DB_RETRY_MAX_MS, onRetry: metrics.storeRetried, signal: stopping.signal, log },
        log,
        observe: metrics.pipeline,
      };
      if (config.INGEST_ENABLED) {
        consumer = await startConsumer({
          urls: config.AMQP_URL,
          topology,
          prefetch: config.PREFETCH,
          batchMaxMessages: config.BATCH_MAX_MESSAGES,
          batchMaxBytes: config.BATCH_MAX_BYTES,
          batchMaxWaitMs: config.BATCH_MAX_WAIT_MS,
          concurrency: config.STORE_CONCURRENCY,
          handleBatch: metrics.measure((contents) => runPipeline(contents, pipeline)),
          prepare: async (model) => {
            await stream.open(model);
            await deferrals.open(model);
          },
          log,
        });
      }
      if (config.DELIVERY_ENABLED) {
        // a connection of its own: a heartbeat must not queue behind the stores for the pool, or a busy worker would look dead
        membershipDb = createDataSource({ url: config.DATABASE_URL, poolSize: 1, applicationName: 'argus-worker-membership' });
        await membershipDb.initialize();
        membership = await joinDeliveryWorkers({
          registry: createPgWorkerRegistry(membershipDb, config.DELIVERY_WORKER_TTL_MS),
          self: { id: randomUUID(), host: hostname(), pid: process.pid },
          heartbeatMs: config.DELIVERY_HEARTBEAT_MS,
          ttlMs: config.DELIVERY_WORKER_TTL_MS,
          // until the supervisor runs, the first heartbeat stands for it: it connects to the broker next
          canDeliver: () => delivery?.isConnected() ?? true,
          log,
        });
        const schedule = { initialDelayMs: config.DELIVERY_RETRY_INITIAL_MS, maxDelayMs: config.DELIVERY_RETRY_MAX_MS, maxAttempts: config.DELIVERY_MAX_ATTEMPTS };
        delivery = await startDeliverySupervisor({
          urls: config.AMQP_URL,
          topology,
          db,
          refreshMs: config.DESTINATION_REFRESH_MS,
          pauseAfterMs: config.DESTINATION_PAUSE_AFTER_MS,
          timeoutMs: config.DELIVERY_TIMEOUT_MS,
          allowPrivateNetworks: allowsPrivateNetworks(config),
          confirmTimeoutMs: config.STREAM_CONFIRM_TIMEOUT_MS,
          settings: {
            concurrency: config.DELIVERY_CONCURRENCY,
            prefetch: config.DELIVERY_PREFETCH,
            maxAttempts: config.DELIVERY_MAX_ATTEMPTS,
            retryDelayMs: (attempts) => retryDelayMs(attempts, schedule),
            wakeUpGraceMs: config.DELIVERY_WAKEUP_GRACE_MS,
            stopGraceMs: config.STOP_GRACE_MS,
            receiver: {
              downAfterFailures: config.DELIVERY_RECEIVER_DOWN_AFTER,
              probeInitialMs: config.DELIVERY_PROBE_INITIAL_MS,
              probeMaxMs: config.DELIVERY_PROBE_MAX_MS,
            },
          },
          membership,
          observe: metrics.delivered,
          report: metrics.destinations,
          log,
        });
      }
      log.info({ metricsPort: metricsServer.address.port, ingest: config.INGEST_ENABLED, delivery: config.DELIVERY_ENABLED, worker: membership?.id }, 'worker consuming');
      return { metrics: metricsServer.address };
    },

    /** Finishes the batches in hand and acks them; one stuck waiting for the database is left to redelivery. */
    async stop() {
      const giveUp = setTimeout(() => stopping.abort(), config.STOP_GRACE_MS);
      stream.close();
      deferrals.close();
      await Promise.all([stopDelivering(), consumer?.stop()]);
      clearTimeout(giveUp);
      await schemaRefresh?.stop();
      await schemaPool?.close();
      await db?.destroy();
      await membershipDb?.destroy();
      await metricsServer?.close();
      metricsServer = undefined;
      consumer = undefined;
      schemaRefresh = undefined;
      schemaPool = undefined;
      delivery = undefined;
      membership = undefined;
      membershipDb = undefined;
      db = undefined;
    },
  };

  /**
   * Leaves the delivering workers first, so that the others subscribe to this worker's
   * destinations while its consumers finish what they started; each queue's single active
   * consumer passes to them the moment this one's channel closes.
   */
  async function stopDelivering(): Promise<void> {
    await membership?.leave();
    await delivery?.stop();
  }
}
