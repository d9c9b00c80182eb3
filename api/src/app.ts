import express, { type Express } from 'express';
import { assignRequestId, errorMiddleware, routeNotFound, type SendError } from './errors.js';

/** Every route but the hot POST /events (see ingest/ingest-handler.ts). No I/O happens here. */
export function buildApp(deps: { sendError: SendError }): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    assignRequestId(req, res);
    next();
  });
  app.get('/health', (_req, res) => {
    res.json({ status: 'healthy' });
  });
  app.use(routeNotFound);
  app.use(errorMiddleware(deps.sendError));
  return app;
}
