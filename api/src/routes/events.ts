import { Router } from 'express';
import type { DataSource } from 'typeorm';
import type { Authenticate } from '../auth.js';
import { notFound } from '../errors.js';
import { findEvent, listEventErrors, listEvents } from '../query/event-reads.js';
import { eventCursorId, eventErrorCursorId } from '../query/cursor.js';
import { parseEventQuery } from '../query/parse-filters.js';
import {
  acceptedSchema,
  eventErrorPageSchema,
  eventFiltersQuery,
  eventIdParams,
  eventPageSchema,
  incomingEventExample,
  ingestBodySchema,
  storedEventSchema,
} from '../schemas.js';
import { asyncRoute, errorResponse, parseInput, readClaims, readErrorResponses, type Describe } from './read-access.js';


export function eventRoutes(deps: { db: DataSource; authenticate: Authenticate }): Router {
  const router = Router();

  router.get(
    '/events',
    asyncRoute(async (req, res) => {
      const query = parseEventQuery(req.query, eventFiltersQuery, readClaims(deps.authenticate, req), eventCursorId);
      const page = await listEvents(deps.db, query);
      res.json({ events: page.items, next_cursor: page.nextCursor });
    }),
  );

  // before /events/:id, which would otherwise take "errors" for an id
  router.get(
    '/events/errors',
    asyncRoute(async (req, res) => {
      const query = parseEventQuery(req.query, eventFiltersQuery, readClaims(deps.authenticate, req), eventErrorCursorId);
      const page = await listEventErrors(deps.db, query);
      res.json({ errors: page.items, next_cursor: page.nextCursor });
    }),
  );

  router.get(
    '/events/:id',
    asyncRoute(async (req, res) => {
      const claims = readClaims(deps.authenticate, req);
      const { id } = parseInput(eventIdParams, req.params);
      const event = await findEvent(deps.db, id, claims.scopes.includes('admin') ? undefined : claims.applicationId);
      if (!event) throw notFound(`no event ${id} for this token`);
      res.json(event);
    }),
  );
  return router;
}

const dataFilterNote =
  'Filter on the event\'s own payload with `data.<field>=<value>` (dots for nesting, e.g. `data.email=ade@gmail.com&data.user.plan=pro`): ' +
  'exact match; a value that reads as a number or `true`/`false` also matches that JSON number or boolean.';

export const describeEventRoutes: Describe = (registry) => {
  registry.registerPath({
    method: 'post',
    path: '/events',
    tags: ['events'],
    summary: 'Send one event, an array of up to 500, or {"batch": [...], "sent_at": ...}',
    description: 'Answers 202 once the broker holds the events; the worker then validates and stores them (invalid ones in GET /events/errors).',
    security: [{ bearer: [] }],
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: ingestBodySchema,
            examples: {
              event: { summary: 'one event', value: incomingEventExample },
              batch: { summary: 'a batch, with your clock', value: { batch: [incomingEventExample, { ...incomingEventExample, name: 'pageview' }], sent_at: incomingEventExample.timestamp } },
            },
          },
        },
      },
    },
    responses: {
      202: { description: 'the broker has confirmed every event of the request', content: { 'application/json': { schema: acceptedSchema } } },
      400: errorResponse('malformed JSON, invalid UTF-8, not an event object or array, an event_id that is not a UUID', {
        code: 'invalid_json',
        message: 'body is not valid JSON: Unexpected end of JSON input',
      }),
      401: readErrorResponses[401],
      403: errorResponse('the token lacks the `write` scope', { code: 'forbidden', message: 'this token lacks the "write" scope' }),
      413: errorResponse('body over the size limit, too many events, or one event too large (the message names its index)', {
        code: 'event_too_large',
        message: 'event 3 is 40000 bytes; an event may have at most 32768',
      }),
      415: errorResponse('not application/json (utf-8)'),
      500: readErrorResponses[500],
      503: errorResponse('the broker is unreachable, blocked, missing its queue or did not confirm in time, or the ingest queue is over its depth limit (broker_backlog); retry after `Retry-After` seconds'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/events',
    tags: ['events'],
    summary: 'Stored events, oldest first, a page at a time',
    description: `Needs the \`read\` scope; an \`admin\` token reads every application. ${dataFilterNote}`,
    security: [{ bearer: [] }],
    request: { query: eventFiltersQuery },
    responses: { 200: { description: 'a page of events', content: { 'application/json': { schema: eventPageSchema } } }, ...readErrorResponses },
  });
  registry.registerPath({
    method: 'get',
    path: '/events/errors',
    tags: ['events'],
    summary: 'Invalid events with their reasons, oldest first',
    description: `The same filters as GET /events, applied to the event as sent; \`from\`/\`to\` apply to when Argus received it. ${dataFilterNote}`,
    security: [{ bearer: [] }],
    request: { query: eventFiltersQuery },
    responses: { 200: { description: 'a page of invalid events', content: { 'application/json': { schema: eventErrorPageSchema } } }, ...readErrorResponses },
  });
  registry.registerPath({
    method: 'get',
    path: '/events/{id}',
    tags: ['events'],
    summary: 'One stored event',
    security: [{ bearer: [] }],
    request: { params: eventIdParams },
    responses: {
      200: { description: 'the event', content: { 'application/json': { schema: storedEventSchema } } },
      ...readErrorResponses,
      404: errorResponse("no such event for this token (unknown, not stored yet, invalid, or another application's)", {
        code: 'not_found',
        message: 'no event 6f1c3c1e-5b7a-4d2e-8f3a-2b1c0d9e8f7a for this token',
      }),
    },
  });
};
