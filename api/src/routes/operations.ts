import { Router } from 'express';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { healthSchema, readinessSchema } from '../schemas.js';
import { asyncRoute, errorResponse, type Describe } from './read-access.js';

export type ReadinessDeps = { db: DataSource; brokerReady: () => boolean; readyTimeoutMs: number; metrics: Registry };

/** Liveness (/health, no I/O), readiness (/ready: the database and broker answer) and /metrics. */
export function operationRoutes(deps: ReadinessDeps): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'healthy' });
  });
  router.get(
    '/ready',
    asyncRoute(async (_req, res) => {
      const database = (await databaseAnswers(deps.db, deps.readyTimeoutMs)) ? 'ok' : 'failed';
      const broker = deps.brokerReady() ? 'ok' : 'failed';
      const ready = database === 'ok' && broker === 'ok';
      res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks: { database, broker } });
    }),
  );
  router.get(
    '/metrics',
    asyncRoute(async (_req, res) => {
      res.type(deps.metrics.contentType).send(await deps.metrics.metrics());
    }),
  );
  return router;
}

async function databaseAnswers(db: DataSource, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    return await Promise.race([db.query('SELECT 1').then(() => true, () => false), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

export const describeOperationRoutes: Describe = (registry) => {
  registry.registerPath({
    method: 'get',
    path: '/health',
    tags: ['operations'],
    summary: 'Liveness: the process answers (no I/O)',
    responses: { 200: { description: 'alive', content: { 'application/json': { schema: healthSchema } } } },
  });
  registry.registerPath({
    method: 'get',
    path: '/ready',
    tags: ['operations'],
    summary: 'Readiness: PostgreSQL and RabbitMQ are reachable',
    responses: {
      200: { description: 'both reachable', content: { 'application/json': { schema: readinessSchema } } },
      503: { description: 'a check failed; `checks` says which', content: { 'application/json': { schema: readinessSchema } } },
      500: errorResponse('unexpected failure'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/metrics',
    tags: ['operations'],
    summary: 'Prometheus metrics',
    responses: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } } },
  });
};
