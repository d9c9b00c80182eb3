import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import { errorExample, type Describe } from './routes/read-access.js';
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
  const document = new OpenApiGeneratorV3(registry.definitions).generateDocument({
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
  withErrorExamples(document);
  return document;
}

/** What each status usually answers, for the error answers a route gives no example of its own. */
const usualErrors: Record<string, { code: string; message: string }> = {
  400: { code: 'invalid_parameter', message: 'limit: Too big: expected number to be <=1000' },
  401: { code: 'unauthorized', message: 'missing Authorization header; send "Authorization: Bearer <token>"' },
  403: { code: 'forbidden', message: 'this token lacks the "admin" scope' },
  404: { code: 'not_found', message: 'no destination 0b6f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b' },
  405: { code: 'method_not_allowed', message: 'PUT is not allowed on /events; use GET, HEAD, POST' },
  413: { code: 'body_too_large', message: 'request body exceeds 1048576 bytes' },
  415: { code: 'unsupported_media_type', message: 'Content-Type must be application/json' },
  500: { code: 'internal_error', message: 'internal error; the request id identifies it in the logs' },
  503: { code: 'broker_unreachable', message: 'the message broker is unreachable' },
};

function withErrorExamples(document: { paths?: object }): void {
  type Answer = { content?: Record<string, { example?: unknown }> };
  for (const item of Object.values(document.paths ?? {}) as Record<string, { responses?: Record<string, Answer> }>[]) {
    for (const operation of Object.values(item)) {
      for (const [status, answer] of Object.entries(operation.responses ?? {})) {
        const json = answer.content?.['application/json'];
        if (json && json.example === undefined && usualErrors[status]) json.example = errorExample(usualErrors[status]);
      }
    }
  }
}
