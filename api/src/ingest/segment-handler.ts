import type { IncomingMessage, ServerResponse } from 'node:http';
import { assignRequestId } from '../errors.js';
import { answerJson, publishConfirmed, requireAllowedOrigin, type IngestDependencies } from './ingest-handler.js';
import { parseJsonBody, serialiseEvents } from './parse-events.js';
import { readBody, requireJsonText } from './request-body.js';
import { readSegmentBody, segmentEvent, type SegmentCallType } from './segment-calls.js';

/** `/v1/batch` (and `/v1/import`, its alias) or one call type's route. */
export type SegmentRoute = SegmentCallType | 'batch';

/** RudderStack's Node SDK sends its gzip JSON as `application/x-www-form-urlencoded`, as its own gateway takes it. */
const segmentTypes = ['application/json', 'text/plain', 'application/x-www-form-urlencoded'];

/**
 * Segment's HTTP tracking API on the hot path of POST /events: each call mapped to an Argus event
 * (see segment-calls.ts), published the same way, answered 200 `{"success": true}` once the broker
 * confirmed, as Segment's SDKs expect. The write key is an Argus token with the `write` scope, read
 * from Basic auth (the username), a Bearer header, or `writeKey` in the body (a beacon sends no header).
 */
export function createSegmentHandler(deps: IngestDependencies) {
  return async (req: IncomingMessage, res: ServerResponse, route: SegmentRoute): Promise<void> => {
    const requestId = assignRequestId(req, res);
    try {
      // a key in the header is checked before the body is read; one in the body, after
      const header = bearerOf(req.headers.authorization);
      if (header !== undefined) deps.authenticate(header, 'write');
      requireJsonText(req, segmentTypes);
      const body = await readBody(req, deps.limits);
      const receivedAt = new Date().toISOString();
      const { calls, writeKey, envelope } = readSegmentBody(parseJsonBody(body), route);
      const claims = deps.authenticate(header ?? (writeKey === undefined ? undefined : `Bearer ${writeKey}`), 'write');
      requireAllowedOrigin(req, claims.applicationId, deps);
      const events = serialiseEvents(
        calls.map((call) => segmentEvent(call, claims.applicationId, receivedAt, envelope)),
        deps.limits,
      );
      await publishConfirmed({ application_id: claims.applicationId, request_id: requestId, received_at: receivedAt }, events, deps);
      answerJson(res, 200, { success: true, accepted: events.length, ids: events.map((event) => event.id) });
    } catch (error) {
      deps.sendError(res, error, requestId);
    }
  };
}

/** The header as a Bearer header: Basic auth's username is the key, its password empty. */
function bearerOf(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const [kind, credentials] = authorization.split(' ');
  if (kind?.toLowerCase() !== 'basic' || !credentials) return authorization;
  const username = Buffer.from(credentials, 'base64').toString('utf8').split(':')[0];
  return `Bearer ${username}`;
}
