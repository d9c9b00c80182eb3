import express, { type Express } from 'express';
import type { Topology } from '@argus/shared';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { SchemaCheck } from '@argus/shared';
import type { Authenticate } from './auth.js';
import { assignRequestId, errorMiddleware, routeNotFound, type SendError } from './errors.js';
import { methodNotAllowed } from './method-not-allowed.js';
import { buildOpenApiDocument } from './openapi.js';
import type { Publisher } from './publisher.js';
import { applicationRoutes } from './routes/applications.js';
import { destinationRoutes } from './routes/destinations.js';
import { docsRoutes } from './routes/docs.js';
import { eventSchemaRoutes } from './routes/event-schemas.js';
import { eventRoutes } from './routes/events.js';
import { operationRoutes } from './routes/operations.js';
import { sessionRoutes } from './routes/sessions.js';

export type AppDependencies = {
  sendError: SendError;
  db: DataSource;
  authenticate: Authenticate;
  brokerReady: () => boolean;
  readyTimeoutMs: number;
  metrics: Registry;
  schemaCompiler: SchemaCheck;
  maxSchemaBytes: number;
  /** Declares destination queues and publishes replays. */
  broker: Pick<Publisher, 'withChannel'>;
  topology: Topology;
  /** Whether destinations may point at loopback and private networks; absent, they may not. */
  allowPrivateNetworks?: boolean;
};

/** Every route but the hot POST /events (see ingest/ingest-handler.ts). No I/O happens here. */
export function buildApp(deps: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  // a repeated parameter becomes an array (refused), and `data.x` stays a flat key: no nested-object magic
  app.set('query parser', 'simple');
  app.use((req, res, next) => {
    assignRequestId(req, res);
    next();
  });
  app.use(operationRoutes(deps));
  app.use(eventRoutes(deps));
  app.use(sessionRoutes(deps));
  app.use(eventSchemaRoutes(deps));
  app.use(destinationRoutes(deps));
  app.use(applicationRoutes(deps));
  const document = buildOpenApiDocument();
  app.use(docsRoutes(document));
  app.use(methodNotAllowed(document));
  app.use(routeNotFound);
  app.use(errorMiddleware(deps.sendError));
  return app;
}
