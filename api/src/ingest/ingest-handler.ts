import type { IncomingMessage, ServerResponse } from 'node:http';
import { encodeIngestRequest, type IngestRequestMeta, type SerialisedEvent } from '@argus/shared';
import type { Authenticate } from '../auth.js';
import { ApiError, assignRequestId, type SendError } from '../errors.js';
import type { IngestObserver } from '../metrics.js';
import type { Publisher } from '../publisher.js';
import { parseEvents, type IngestLimits } from './parse-events.js';
import { readBody, requireJsonText, type BodyLimits } from './request-body.js';

export type IngestDependencies = {
  authenticate: Authenticate;
  publisher: Publisher;
  limits: IngestLimits & BodyLimits;
  sendError: SendError;
  observer?: IngestObserver;
  /** May a page of this origin send with this application's keys? (A request without Origin is no browser's.) */
  allowsOrigin?: (applicationId: string, origin: string) => boolean;
};

/** JSON, or JSON labelled text/plain as browsers send it to avoid a preflight. */
const jsonTypes = ['application/json', 'text/plain'];

/**
 * POST /events, kept on plain node:http because it is the hot path: authenticate from memory,
 * read and parse the body once, hand the request's events to the publisher, answer 202 only after
 * the broker confirmed the message carrying them. No database call, no per-request log line.
 */
export function createIngestHandler(deps: IngestDependencies) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = assignRequestId(req, res);
    try {
      const claims = deps.authenticate(req.headers.authorization, 'write');
      requireAllowedOrigin(req, claims.applicationId, deps);
      requireJsonText(req, jsonTypes);
      const body = await readBody(req, deps.limits);
      const receivedAt = new Date().toISOString();
      const { events, sentAt } = parseEvents(body, deps.limits);
      await publishConfirmed({ application_id: claims.applicationId, request_id: requestId, received_at: receivedAt, sent_at: sentAt }, events, deps);
      answerJson(res, 202, { accepted: events.length, ids: events.map((event) => event.id) });
    } catch (error) {
      deps.sendError(res, error, requestId);
    }
  };
}

/** Publishes one request's events and returns once the broker confirmed them. */
export async function publishConfirmed(meta: IngestRequestMeta, events: SerialisedEvent[], deps: Pick<IngestDependencies, 'publisher' | 'observer'>): Promise<void> {
  const publishedAt = performance.now();
  await deps.publisher.publishConfirmed(encodeIngestRequest(meta, events));
  deps.observer?.published(events.length, (performance.now() - publishedAt) / 1000);
}

export function requireAllowedOrigin(req: IncomingMessage, applicationId: string, deps: Pick<IngestDependencies, 'allowsOrigin'>): void {
  const origin = req.headers.origin;
  if (origin !== undefined && deps.allowsOrigin && !deps.allowsOrigin(applicationId, origin)) {
    throw forbiddenOrigin(origin);
  }
}

export function answerJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

const forbiddenOrigin = (origin: string) => new ApiError(403, 'origin_not_allowed', `this application does not take events from pages of ${origin}`);
