import express, { Router } from 'express';
import {
  createDestination,
  deliveryStatusOf,
  deliveringWorker,
  destinationBacklog,
  destinationQueueName,
  findDestination,
  recentAttempts,
  refusedUrl,
  replayDestinationFrom,
  startDestination,
  stopDestination,
  Destination,
  type Topology,
} from '@argus/shared';
import type { DataSource } from 'typeorm';
import type { Authenticate } from '../auth.js';
import {
  createDestinationBody,
  createdDestinationSchema,
  destinationDetailSchema,
  destinationIdParams,
  destinationListSchema,
  destinationSchema,
  replayBody,
  replayedSchema,
} from '../destination-schemas.js';
import { badRequest, notFound } from '../errors.js';
import type { Publisher } from '../publisher.js';
import { asyncRoute, authenticatedErrorResponses, errorResponse, parseInput, requireJson, type Describe } from './read-access.js';

export type DestinationRouteDeps = {
  db: DataSource;
  authenticate: Authenticate;
  broker: Pick<Publisher, 'withChannel'>;
  topology: Topology;
  allowPrivateNetworks?: boolean;
};

/** Webhook destinations, for tokens with the `admin` scope. */
export function destinationRoutes(deps: DestinationRouteDeps): Router {
  const { db, broker, topology } = deps;
  const router = Router();
  router.use(
    '/destinations',
    (req, _res, next) => {
      deps.authenticate(req.headers.authorization, 'admin');
      next();
    },
    express.json({ limit: '16kb' }),
  );

  const found = async (params: unknown): Promise<Destination> => {
    const { id } = parseInput(destinationIdParams, params);
    const destination = await findDestination(db, id);
    if (!destination) throw notFound(`no destination ${id}`);
    return destination;
  };

  router.post(
    '/destinations',
    requireJson,
    asyncRoute(async (req, res) => {
      const body = parseInput(createDestinationBody, req.body, 'invalid_body');
      const refused = refusedUrl(body.url, { allowPrivateNetworks: deps.allowPrivateNetworks ?? false });
      if (refused) throw badRequest('invalid_body', `url: ${refused}`, [{ path: 'url', message: refused }]);
      const filter = { applicationId: body.filter?.application_id ?? null, category: body.filter?.category ?? null, name: body.filter?.name ?? null };
      const { destination, signingSecret } = await broker.withChannel((channel) => createDestination(db, channel, topology, { name: body.name, url: body.url, filter }));
      res.status(201).json({ ...destinationView(destination), signing_secret: signingSecret });
    }),
  );

  router.get(
    '/destinations',
    asyncRoute(async (_req, res) => {
      const destinations = await db.getRepository(Destination).find({ order: { createdAt: 'ASC' } });
      res.json({ destinations: destinations.map(destinationView) });
    }),
  );

  router.get(
    '/destinations/:id',
    asyncRoute(async (req, res) => {
      const destination = await found(req.params);
      const queueDepth = () => broker.withChannel(async (channel) => (await channel.checkQueue(destinationQueueName(topology, destination.id))).messageCount);
      const [backlog, attempts, worker] = await Promise.all([destinationBacklog(db, destination, queueDepth), recentAttempts(db, destination.id), deliveringWorker(db, destination)]);
      const oldestAge = backlog.oldestWaitingAt ? Math.max(0, (Date.now() - backlog.oldestWaitingAt.getTime()) / 1000) : null;
      res.json({
        ...destinationView(destination),
        backlog: {
          queue_depth: backlog.queueDepth,
          held_sessions: backlog.heldSessions,
          held_events: backlog.heldEvents,
          dead_letters: backlog.deadLetters,
          oldest_waiting_at: backlog.oldestWaitingAt?.toISOString() ?? null,
          oldest_waiting_seconds: oldestAge === null ? null : Math.round(oldestAge),
        },
        delivered_by: worker && { worker_id: worker.id, host: worker.host, pid: worker.pid, seen_at: worker.seenAt.toISOString() },
        recent_attempts: attempts.map((attempt) => ({
          at: attempt.at.toISOString(),
          event_id: attempt.eventId,
          status: attempt.status,
          duration_ms: attempt.durationMs,
          answer: attempt.answer,
        })),
      });
    }),
  );

  router.post(
    '/destinations/:id/start',
    asyncRoute(async (req, res) => {
      const { id } = await found(req.params);
      const started = await broker.withChannel((channel) => startDestination(db, channel, topology, id));
      if (!started) throw notFound(`no destination ${id}`); // deleted meanwhile
      res.json(destinationView(started));
    }),
  );

  router.post(
    '/destinations/:id/stop',
    asyncRoute(async (req, res) => {
      const { id } = parseInput(destinationIdParams, req.params);
      const stopped = await stopDestination(db, id);
      if (!stopped) throw notFound(`no destination ${id}`);
      res.json(destinationView(stopped));
    }),
  );

  router.post(
    '/destinations/:id/replay',
    requireJson,
    asyncRoute(async (req, res) => {
      const destination = await found(req.params);
      const { from } = parseInput(replayBody, req.body, 'invalid_body');
      const published = await broker.withChannel((channel) => replayDestinationFrom(db, channel, topology, destination, from));
      res.json({ published });
    }),
  );
  return router;
}

function destinationView(destination: Destination) {
  const iso = (date: Date | null) => date?.toISOString() ?? null;
  return {
    id: destination.id,
    name: destination.name,
    url: destination.url,
    filter: { application_id: destination.filterApplicationId, category: destination.filterCategory, name: destination.filterName },
    state: destination.state,
    delivery: {
      ...deliveryStatusOf(destination, new Date()),
      receiver_down_since: iso(destination.receiverDownSince),
      next_probe_at: iso(destination.nextProbeAt),
    },
    paused_reason: destination.pausedReason,
    failing_since: iso(destination.failingSince),
    created_at: destination.createdAt.toISOString(),
    delivered: Number(destination.deliveredCount),
    failed_attempts: Number(destination.failedAttemptCount),
    dead_lettered: Number(destination.deadLetterCount),
    last_success_at: iso(destination.lastSuccessAt),
    last_failure: destination.lastFailureAt
      ? { at: destination.lastFailureAt.toISOString(), status: destination.lastFailureStatus, error: destination.lastFailureError }
      : null,
  };
}

const adminErrors = { 403: errorResponse('the token lacks the `admin` scope'), ...authenticatedErrorResponses };
const notJson = { 415: errorResponse('not application/json') };
const unknownDestination = { 404: errorResponse('no such destination'), 400: errorResponse('the id is not a UUID') };
const brokerDown = { 503: errorResponse('the message broker is unreachable; retry after `Retry-After` seconds') };
const json = <S>(schema: S, description: string) => ({ description, content: { 'application/json': { schema } } });

export const describeDestinationRoutes: Describe = (registry) => {
  const common = { tags: ['destinations'], security: [{ bearer: [] }] };
  const idParams = { params: destinationIdParams };
  registry.registerPath({
    ...common,
    method: 'post',
    path: '/destinations',
    summary: 'Create a webhook destination; it receives every event stored from now on that its filter matches',
    description: 'Answers with the signing secret, shown only here. Deliveries are signed the Standard Webhooks way (see the README).',
    request: { body: { required: true, content: { 'application/json': { schema: createDestinationBody } } } },
    responses: {
      201: json(createdDestinationSchema, 'created, running'),
      400: errorResponse(
        'the body is not JSON or a field is invalid (the message and `details` name it), the filter names an unknown application, or the url names a link-local, metadata, loopback or private address (see DESTINATION_ALLOW_PRIVATE_NETWORKS)',
      ),
      ...adminErrors,
      ...notJson,
      ...brokerDown,
    },
  });
  registry.registerPath({ ...common, method: 'get', path: '/destinations', summary: 'Every destination with its counters', responses: { 200: json(destinationListSchema, 'the destinations, oldest first'), ...adminErrors } });
  registry.registerPath({
    ...common,
    method: 'get',
    path: '/destinations/{id}',
    summary: 'One destination: state, whether its receiver is down, counters, last success and failure, what is still to deliver, and its latest attempts',
    request: idParams,
    responses: { 200: json(destinationDetailSchema, 'the destination'), ...adminErrors, ...unknownDestination },
  });
  registry.registerPath({
    ...common,
    method: 'post',
    path: '/destinations/{id}/start',
    summary: 'Deliver again, from where it stopped (a paused destination starts with a clean breaker)',
    request: idParams,
    responses: { 200: json(destinationSchema, 'running'), ...adminErrors, ...unknownDestination, ...brokerDown },
  });
  registry.registerPath({
    ...common,
    method: 'post',
    path: '/destinations/{id}/stop',
    summary: 'Stop delivering within seconds; events keep collecting in its queue',
    request: idParams,
    responses: { 200: json(destinationSchema, 'stopped'), ...adminErrors, ...unknownDestination },
  });
  registry.registerPath({
    ...common,
    method: 'post',
    path: '/destinations/{id}/replay',
    summary: 'Send the stored events from a time on again, in timestamp order, behind what its queue holds',
    request: { ...idParams, body: { required: true, content: { 'application/json': { schema: replayBody } } } },
    responses: {
      200: json(replayedSchema, 'the events are in its queue'),
      400: errorResponse('the id is not a UUID, or `from` is missing or not a time'),
      ...adminErrors,
      404: unknownDestination[404],
      ...notJson,
      ...brokerDown,
    },
  });
};
