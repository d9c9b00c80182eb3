import express, { Router, type ErrorRequestHandler, type Request } from 'express';
import {
  activateEventSchema,
  findEventSchema,
  listEventSchemas,
  registerEventSchema,
  type EventSchema,
  type SchemaCheck,
  type TokenClaims,
} from '@argus/shared';
import type { DataSource } from 'typeorm';
import type { Authenticate } from '../auth.js';
import { forbidden, payloadTooLarge } from '../errors.js';
import {
  registerSchemaBody,
  registeredKindsSchema,
  registeredSchemaSchema,
  schemaApplicationQuery,
  schemaKindParams,
  schemaReadQuery,
  schemaVersionParams,
  schemaVersionSchema,
} from '../registry-schemas.js';
import { asyncRoute, authenticatedErrorResponses, errorResponse, parseInput, requireJson, type Describe } from './read-access.js';

export type EventSchemaRouteDeps = { db: DataSource; authenticate: Authenticate; schemaCompiler: SchemaCheck; maxSchemaBytes: number };

/**
 * The schema registry: applications declare JSON Schemas for the `data` of their own kinds of
 * events, in versions, and choose the active one. The worker picks changes up within seconds.
 */
export function eventSchemaRoutes(deps: EventSchemaRouteDeps): Router {
  const router = Router();
  // express.json's own 413 says "request entity too large": name the limit and the setting instead
  const namingTheLimit: ErrorRequestHandler = (error: { type?: string }, _req, _res, next) =>
    next(error.type === 'entity.too.large' ? payloadTooLarge('body_too_large', `a schema's body may have at most ${deps.maxSchemaBytes} bytes (MAX_SCHEMA_BYTES)`) : error);
  const jsonBody = [requireJson, express.json({ limit: deps.maxSchemaBytes }), namingTheLimit];

  router.get(
    '/schemas',
    asyncRoute(async (req, res) => {
      const { application_id } = parseInput(schemaApplicationQuery, req.query);
      const kinds = await listEventSchemas(deps.db, actingFor(authorize(deps, req), application_id));
      res.json({
        schemas: kinds.map((kind) => ({
          category: kind.category,
          name: kind.name,
          active_version: kind.activeVersion,
          versions: kind.versions.map((version) => ({ version: version.version, active: version.active, created_at: version.createdAt.toISOString() })),
        })),
      });
    }),
  );

  router.get(
    '/schemas/:category/:name',
    asyncRoute(async (req, res) => {
      const claims = authorize(deps, req);
      const kind = parseInput(schemaKindParams, req.params);
      const { application_id, version } = parseInput(schemaReadQuery, req.query);
      res.json(versionBody(await findEventSchema(deps.db, { applicationId: actingFor(claims, application_id), ...kind, version })));
    }),
  );

  router.post(
    '/schemas/:category/:name',
    ...jsonBody,
    asyncRoute(async (req, res) => {
      const claims = authorize(deps, req);
      const kind = parseInput(schemaKindParams, req.params);
      const { application_id } = parseInput(schemaApplicationQuery, req.query);
      const body = parseInput(registerSchemaBody, req.body, 'invalid_body');
      const applicationId = actingFor(claims, application_id);
      const registered = await registerEventSchema(deps.db, deps.schemaCompiler, {
        applicationId,
        ...kind,
        schema: body.schema,
        activate: body.activate,
      });
      const { version } = registered.schema;
      res
        .status(201)
        .location(
          `/schemas/${encodeURIComponent(kind.category)}/${encodeURIComponent(kind.name)}?version=${version}` +
            (applicationId === claims.applicationId ? '' : `&application_id=${applicationId}`),
        )
        .json({
          ...versionBody(registered.schema),
          compared_with_version: registered.comparedWith,
          incompatible_changes: registered.incompatibleChanges,
        });
    }),
  );

  router.post(
    '/schemas/:category/:name/versions/:version/activate',
    asyncRoute(async (req, res) => {
      const claims = authorize(deps, req);
      const { version, ...kind } = parseInput(schemaVersionParams, req.params);
      const { application_id } = parseInput(schemaApplicationQuery, req.query);
      res.json(versionBody(await activateEventSchema(deps.db, { applicationId: actingFor(claims, application_id), ...kind, version })));
    }),
  );
  return router;
}

const authorize = (deps: { authenticate: Authenticate }, req: Request) => deps.authenticate(req.headers.authorization, 'schema');

/** Admin tokens may act for any application; others for their own only. */
function actingFor(claims: TokenClaims, requested: string | undefined): string {
  if (requested === undefined || requested === claims.applicationId) return claims.applicationId;
  if (!claims.scopes.includes('admin')) throw forbidden('application_id: acting for another application needs the "admin" scope');
  return requested;
}

function versionBody(schema: EventSchema) {
  return {
    application_id: schema.applicationId,
    category: schema.category,
    name: schema.name,
    version: schema.version,
    active: schema.active,
    created_at: schema.createdAt.toISOString(),
    schema: schema.schema,
  };
}

const schemaErrorResponses = {
  400: errorResponse('a parameter or the body is invalid; the message and `details` name it'),
  403: errorResponse('the token lacks the `schema` scope, or `application_id` names another application without the `admin` scope'),
  404: errorResponse('no such kind, version or application', { code: 'not_found', message: 'no version 2 of the schema for "purchase" / "checkout"' }),
  ...authenticatedErrorResponses,
};

export const describeEventSchemaRoutes: Describe = (registry) => {
  const common = { tags: ['schemas'], security: [{ bearer: [] }] };
  registry.registerPath({
    ...common,
    method: 'get',
    path: '/schemas',
    summary: "The application's kinds with a registered schema, their versions and which is active",
    request: { query: schemaApplicationQuery },
    responses: { 200: { description: 'the registered kinds', content: { 'application/json': { schema: registeredKindsSchema } } }, ...schemaErrorResponses },
  });
  registry.registerPath({
    ...common,
    method: 'get',
    path: '/schemas/{category}/{name}',
    summary: "A kind's active schema, or another version with ?version=",
    request: { params: schemaKindParams, query: schemaReadQuery },
    responses: { 200: { description: 'the version', content: { 'application/json': { schema: schemaVersionSchema } } }, ...schemaErrorResponses },
  });
  registry.registerPath({
    ...common,
    method: 'post',
    path: '/schemas/{category}/{name}',
    summary: 'Register the next version of the JSON Schema (draft 2020-12) for the `data` of this kind of event',
    description:
      'Versions are immutable and numbered 1, 2, …; the first becomes active unless `activate` is false, later ones when `activate` is true. ' +
      'Changes that would reject events the active version accepts are allowed, and listed in `incompatible_changes`. ' +
      'The worker uses a new active version within seconds; an event may name another version with `schema_version`.',
    request: { params: schemaKindParams, query: schemaApplicationQuery, body: { required: true, content: { 'application/json': { schema: registerSchemaBody } } } },
    responses: {
      201: { description: 'the new version, compared with the previously active one', content: { 'application/json': { schema: registeredSchemaSchema } } },
      ...schemaErrorResponses,
      400: errorResponse(
        "the body is not JSON, not `{schema, activate?}`, the schema does not compile (`invalid_schema`, with ajv's message), " +
          'or takes longer than `SCHEMA_COMPILE_BUDGET_MS` to compile (`schema_too_complex`)',
        { code: 'invalid_schema', message: 'schema is invalid: data/type must be equal to one of the allowed values' },
      ),
      413: errorResponse('the body is over `MAX_SCHEMA_BYTES`', { code: 'body_too_large', message: "a schema's body may have at most 262144 bytes (MAX_SCHEMA_BYTES)" }),
      415: errorResponse('not application/json'),
    },
  });
  registry.registerPath({
    ...common,
    method: 'post',
    path: '/schemas/{category}/{name}/versions/{version}/activate',
    summary: 'Make this version the active one; the worker checks events against it within seconds',
    request: { params: schemaVersionParams, query: schemaApplicationQuery },
    responses: { 200: { description: 'the version, now active', content: { 'application/json': { schema: schemaVersionSchema } } }, ...schemaErrorResponses },
  });
};
