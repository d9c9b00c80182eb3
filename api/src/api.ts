import type { IncomingMessage } from 'node:http';
import helmet from 'helmet';
import type { AddressInfo } from 'node:net';
import { allowsPrivateNetworks, createDataSource, createOffThreadSchemaCompiler, topologyFor, type Logger } from '@argus/shared';
import { buildApp } from './app.js';
import { createAuthenticator } from './auth.js';
import type { ApiConfig } from './config.js';
import { createErrorSender } from './errors.js';
import { createHttpServer } from './http-server.js';
import { answerCors } from './ingest/cors.js';
import { createIngestHandler, type IngestDependencies } from './ingest/ingest-handler.js';
import { segmentCallTypes } from './ingest/segment-calls.js';
import { createSegmentHandler, type SegmentRoute } from './ingest/segment-handler.js';
import { createApiMetrics } from './metrics.js';
import { startPublisher } from './publisher.js';
import { watchQueueLeader } from './queue-leader.js';
import { startRevocationList } from './revocations.js';

export type ApiProcess = { start(): Promise<AddressInfo>; stop(): Promise<void> };

export function createApi(config: ApiConfig, log: Logger): ApiProcess {
  const stops: (() => Promise<void> | void)[] = [];

  return {
    async start() {
      const db = createDataSource({ url: config.DATABASE_URL, poolSize: config.DB_POOL_SIZE, applicationName: 'argus-api' });
      await db.initialize();
      stops.push(() => db.destroy());

      const revocations = await startRevocationList(db, config.REVOCATION_REFRESH_MS, log);
      stops.push(() => revocations.stop());

      const topology = topologyFor(config);
      const publisher = await startPublisher({
        urls: config.AMQP_URL,
        topology,
        confirmTimeoutMs: config.PUBLISH_CONFIRM_TIMEOUT_MS,
        maxInFlight: config.MAX_IN_FLIGHT_PUBLISHES,
        maxMessagesInFlight: config.MAX_MESSAGES_IN_FLIGHT,
        backlog: { maxDepth: config.INGEST_QUEUE_MAX_DEPTH, checkIntervalMs: config.INGEST_QUEUE_CHECK_MS },
        firstConnectTimeoutMs: config.BROKER_STARTUP_WAIT_MS,
        log,
      });
      stops.push(() => publisher.close());

      const schemaCompiler = createOffThreadSchemaCompiler({ budgetMs: config.SCHEMA_COMPILE_BUDGET_MS });
      stops.push(() => schemaCompiler.close());

      const sendError = createErrorSender({ log, retryAfterSeconds: config.RETRY_AFTER_SECONDS });
      const authenticate = createAuthenticator(config.JWT_SECRET, revocations.isRevoked);
      const metrics = createApiMetrics();
      const leader =
        config.RABBITMQ_MANAGEMENT_URL.length === 0
          ? undefined
          : watchQueueLeader({
              urls: config.RABBITMQ_MANAGEMENT_URL,
              vhost: decodeURIComponent(new URL(config.AMQP_URL[0]!).pathname.slice(1)) || '/',
              queue: topology.ingestQueue,
              intervalMs: 5 * config.INGEST_QUEUE_CHECK_MS,
              log,
            });
      if (leader) stops.push(async () => leader.stop());
      metrics.watchIngestQueue({ depth: () => publisher.ingestDepth(), members: () => leader?.current() });
      const app = buildApp({
        sendError,
        db,
        authenticate,
        brokerReady: () => publisher.isReady(),
        readyTimeoutMs: config.READY_TIMEOUT_MS,
        metrics: metrics.registry,
        schemaCompiler,
        maxSchemaBytes: config.MAX_SCHEMA_BYTES,
        broker: publisher,
        topology,
        allowPrivateNetworks: allowsPrivateNetworks(config),
      });
      const ingestDeps: IngestDependencies = {
        authenticate,
        publisher,
        observer: metrics.ingest,
        limits: {
          maxBodyBytes: config.MAX_BODY_BYTES,
          maxExpansionRatio: config.MAX_EXPANSION_RATIO,
          maxEventBytes: config.MAX_EVENT_BYTES,
          maxBatchEvents: config.MAX_BATCH_EVENTS,
        },
        sendError,
        allowsOrigin: revocations.allowsOrigin,
      };
      const ingest = createIngestHandler(ingestDeps);
      const segment = createSegmentHandler({ ...ingestDeps, limits: { ...ingestDeps.limits, maxBatchEvents: config.SEGMENT_MAX_BATCH_EVENTS } });
      // helmet here rather than in express: the ingest fast path gets the same headers
      const securityHeaders = helmet();
      const http = createHttpServer(config, (req, res) => {
        const route = ingestRouteOf(req);
        metrics.countResponse(req, res, route?.path);
        securityHeaders(req, res, () => {
          if (!route) return app(req, res);
          if (answerCors(req, res)) return;
          if (route.segment) void segment(req, res, route.segment);
          else void ingest(req, res);
        });
      });
      await new Promise<void>((resolve, reject) => {
        http.server.once('error', reject);
        http.server.listen(config.PORT, config.HOST, resolve);
      });
      stops.push(() => http.close());
      const address = http.server.address() as AddressInfo;
      log.info({ port: address.port }, 'api listening');
      return address;
    },

    /** Stops taking requests, lets in-flight ones finish (their confirms included), then closes connections. */
    async stop() {
      for (const stop of stops.splice(0).reverse()) await stop();
    },
  };
}

/** Segment's routes, with the one-letter aliases its browser library posts to (`/v1/t`, `/v1/p`…). */
const segmentRoutes = new Map<string, SegmentRoute>([
  ['/v1/batch', 'batch'],
  ['/v1/import', 'batch'],
  ['/v1/b', 'batch'],
  ...segmentCallTypes.flatMap((type): [string, SegmentRoute][] => [
    [`/v1/${type}`, type],
    [`/v1/${type[0]}`, type],
  ]),
]);

/** The ingest routes, on the fast path: POST /events and Segment's /v1/* (and their CORS preflights). */
function ingestRouteOf(req: IncomingMessage): { path: string; segment?: SegmentRoute } | undefined {
  if (req.method !== 'POST' && req.method !== 'OPTIONS') return undefined;
  const path = req.url?.split('?', 1)[0];
  if (path === '/events') return { path };
  const segment = path === undefined ? undefined : segmentRoutes.get(path);
  return segment === undefined ? undefined : { path: path!, segment };
}
