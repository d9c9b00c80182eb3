import type { IncomingMessage, ServerResponse } from 'node:http';
import { encodeIngestRequest } from '@argus/shared';
import * as contentType from 'content-type';
import getRawBody from 'raw-body';
import type { Authenticate } from '../auth.js';
import { assignRequestId, badRequest, payloadTooLarge, unsupportedMediaType, type SendError } from '../errors.js';
import type { IngestObserver } from '../metrics.js';
import type { Publisher } from '../publisher.js';
import { parseEvents, type IngestLimits } from './parse-events.js';

export type IngestDependencies = {
  authenticate: Authenticate;
  publisher: Publisher;
  limits: IngestLimits & { maxBodyBytes: number };
  sendError: SendError;
  observer?: IngestObserver;
};

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
      requireJson(req);
      const body = await readBody(req, deps.limits.maxBodyBytes);
      const receivedAt = new Date().toISOString();
      const { events, sentAt } = parseEvents(body, deps.limits);
      const request = encodeIngestRequest(
        { application_id: claims.applicationId, request_id: requestId, received_at: receivedAt, sent_at: sentAt },
        events,
      );
      const publishedAt = performance.now();
      await deps.publisher.publishConfirmed(request);
      deps.observer?.published(events.length, (performance.now() - publishedAt) / 1000);
      res.statusCode = 202;
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.end(JSON.stringify({ accepted: events.length, ids: events.map((event) => event.id) }));
    } catch (error) {
      deps.sendError(res, error, requestId);
    }
  };
}

function requireJson(req: IncomingMessage): void {
  const header = req.headers['content-type'];
  if (!header) throw unsupportedMediaType('Content-Type must be application/json');
  let parsed: contentType.ContentType;
  try {
    parsed = contentType.parse(header);
  } catch {
    throw unsupportedMediaType(`Content-Type "${header}" cannot be parsed; use application/json`);
  }
  if (parsed.type !== 'application/json') throw unsupportedMediaType(`Content-Type must be application/json, not ${parsed.type}`);
  const charset = parsed.parameters.charset?.toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8') throw unsupportedMediaType(`charset must be utf-8, not ${charset}`);
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  try {
    return await getRawBody(req, { length: req.headers['content-length'], limit });
  } catch (error) {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') throw payloadTooLarge('body_too_large', `request body exceeds ${limit} bytes`);
    if (type === 'request.size.invalid') throw badRequest('invalid_body', 'request body is shorter than its Content-Length');
    if (type === 'request.aborted') throw badRequest('request_aborted', 'the client aborted the request');
    throw error;
  }
}
