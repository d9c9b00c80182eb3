import express, { Router } from 'express';
import { allowedOriginList, Application } from '@argus/shared';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import type { Authenticate } from '../auth.js';
import { notFound } from '../errors.js';
import { asyncRoute, authenticatedErrorResponses, errorResponse, parseInput, requireJson, type Describe } from './read-access.js';

const applicationIdParams = z.object({ id: z.uuid().openapi({ example: '0b6a1f55-5a0e-4a8c-9a51-1d1c5b0c2a10' }) });

export const allowedOriginsBody = z
  .strictObject({
    allowed_origins: allowedOriginList().nullable().openapi({
      description: 'origins whose pages may send with the application\'s keys; null lets any origin send',
      example: ['https://shop.example.com'],
    }),
  })
  .openapi('AllowedOrigins');

/** Per-application settings, for tokens with the `admin` scope. */
export function applicationRoutes(deps: { db: DataSource; authenticate: Authenticate }): Router {
  const router = Router();
  router.put(
    '/applications/:id/allowed-origins',
    (req, _res, next) => {
      deps.authenticate(req.headers.authorization, 'admin');
      next();
    },
    requireJson,
    express.json({ limit: '32kb' }),
    asyncRoute(async (req, res) => {
      const { id } = parseInput(applicationIdParams, req.params);
      const { allowed_origins: allowedOrigins } = parseInput(allowedOriginsBody, req.body, 'invalid_body');
      const result = await deps.db.getRepository(Application).update({ id }, { allowedOrigins });
      if ((result.affected ?? 0) === 0) throw notFound(`no application ${id}`);
      res.json({ application_id: id, allowed_origins: allowedOrigins });
    }),
  );
  return router;
}

export const describeApplicationRoutes: Describe = (registry) => {
  registry.registerPath({
    method: 'put',
    path: '/applications/{id}/allowed-origins',
    tags: ['events'],
    summary: 'Restrict the web pages that may send events with this application\'s keys (CORS)',
    description:
      'A browser request to POST /events or /v1/* from another origin is refused (403 `origin_not_allowed`) unless its origin is listed; null lets any origin send. Takes effect within the token refresh interval (2 s by default). Needs the `admin` scope.',
    security: [{ bearer: [] }],
    request: { params: applicationIdParams, body: { required: true, content: { 'application/json': { schema: allowedOriginsBody } } } },
    responses: {
      200: { description: 'the setting now in force', content: { 'application/json': { schema: allowedOriginsBody.extend({ application_id: z.uuid() }) } } },
      400: errorResponse('the id is not a UUID, or an origin is not one (the message and `details` name it)'),
      403: errorResponse('the token lacks the `admin` scope'),
      404: errorResponse('no such application'),
      415: errorResponse('not application/json'),
      ...authenticatedErrorResponses,
    },
  });
};
