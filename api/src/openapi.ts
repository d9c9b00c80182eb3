import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import type { Describe } from './routes/read-access.js';
import { describeApplicationRoutes } from './routes/applications.js';
import { describeSegmentRoutes } from './routes/segment.js';
import { describeEventSchemaRoutes } from './routes/event-schemas.js';
import { describeDestinationRoutes } from './routes/destinations.js';
import { describeEventRoutes } from './routes/events.js';
import { describeOperationRoutes } from './routes/operations.js';
import { describeSessionRoutes } from './routes/sessions.js';

const describers: Describe[] = [describeEventRoutes, describeSegmentRoutes, describeApplicationRoutes, describeSessionRoutes, describeEventSchemaRoutes, describeDestinationRoutes, describeOperationRoutes];

/** The OpenAPI 3 document of every route, generated from the zod schemas the routes validate with. */
export function buildOpenApiDocument() {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A token from `make generatetoken email=… scope=read,write` (`write` sends events, `read` reads them, `schema` registers JSON Schemas for event kinds, `admin` does all of it for every application).',
  });
  registry.registerComponent('securitySchemes', 'basic', {
    type: 'http',
    scheme: 'basic',
    description: "Segment's SDKs: a `write` token as the username, the password empty (/v1/* only).",
  });
  for (const describe of describers) describe(registry);
  registry.registerPath({
    method: 'get',
    path: '/openapi.json',
    tags: ['operations'],
    summary: 'This document (Swagger UI at /docs)',
    responses: { 200: { description: 'OpenAPI 3 document', content: { 'application/json': { schema: { type: 'object' } } } } },
  });
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'Argus',
      version: '0.1.0',
      description:
        'Collects events from trusted applications and lets them read the events back. Every error has one shape: `{"error": {"code", "message", "request_id", "details"?}}`.',
    },
    tags: [
      { name: 'events', description: 'send and read events' },
      { name: 'schemas', description: "JSON Schemas for the data of an application's own kinds of events" },
      { name: 'destinations', description: 'webhooks that receive stored events (tokens with the `admin` scope)' },
      { name: 'operations', description: 'liveness, readiness, metrics' },
    ],
  });
}
