import { Router } from 'express';
import type { DataSource } from 'typeorm';
import type { Authenticate } from '../auth.js';
import { listEvents } from '../query/event-reads.js';
import { eventCursorId } from '../query/cursor.js';
import { parseEventQuery } from '../query/parse-filters.js';
import { eventPageSchema, sessionEventsQuery, sessionParams } from '../schemas.js';
import { asyncRoute, parseInput, readClaims, readErrorResponses, type Describe } from './read-access.js';


export function sessionRoutes(deps: { db: DataSource; authenticate: Authenticate }): Router {
  const router = Router();
  router.get(
    '/sessions/:session_id/events',
    asyncRoute(async (req, res) => {
      const claims = readClaims(deps.authenticate, req);
      const { session_id: sessionId } = parseInput(sessionParams, req.params);
      const query = parseEventQuery(req.query, sessionEventsQuery, claims, eventCursorId);
      const page = await listEvents(deps.db, { ...query, sessionId });
      res.json({ events: page.items, next_cursor: page.nextCursor });
    }),
  );
  return router;
}

export const describeSessionRoutes: Describe = (registry) => {
  registry.registerPath({
    method: 'get',
    path: '/sessions/{session_id}/events',
    tags: ['events'],
    summary: "A session's stored events in the order they happened",
    description: 'Takes the filters of GET /events but session_id, including `data.<field>=<value>`.',
    security: [{ bearer: [] }],
    request: { params: sessionParams, query: sessionEventsQuery },
    responses: { 200: { description: 'a page of the session\'s events (empty for an unknown session)', content: { 'application/json': { schema: eventPageSchema } } }, ...readErrorResponses },
  });
};
