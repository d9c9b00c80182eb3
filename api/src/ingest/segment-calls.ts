import { uuidPattern } from '@argus/shared';
import { badRequest } from '../errors.js';
import { isObject } from './parse-events.js';
import { uuidV5 } from './uuid-v5.js';

/** The calls of Segment's HTTP tracking API; each is also a route, `/v1/<type>`. */
export const segmentCallTypes = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;
export type SegmentCallType = (typeof segmentCallTypes)[number];

/** A Segment request body: its calls, the write key it carries, and what its envelope gives every call. */
export type SegmentBody = { calls: Record<string, unknown>[]; writeKey?: string; envelope: SegmentEnvelope };
/** A batch's `sentAt`, `context` and `integrations`, for every call (the call's own win, key by key). */
export type SegmentEnvelope = { sentAt?: unknown; context?: unknown; integrations?: unknown };

/**
 * Reads a parsed body of `/v1/batch` (its `batch` array, whose envelope `context` and
 * `integrations` merge into each call, the call's own keys winning) or of `/v1/<type>` (one call of
 * that type). Checks only the shape; what a call holds is the worker's to check once mapped.
 */
export function readSegmentBody(parsed: unknown, route: SegmentCallType | 'batch'): SegmentBody {
  if (!isObject(parsed)) throw badRequest('invalid_body', 'body must be a JSON object');
  const writeKey = typeof parsed.writeKey === 'string' ? parsed.writeKey : undefined;
  if (route !== 'batch') return { calls: [{ ...parsed, type: route }], writeKey, envelope: {} };
  if (!Array.isArray(parsed.batch)) throw badRequest('invalid_body', '"batch" must be an array of calls', [{ path: 'batch', message: 'must be an array' }]);
  parsed.batch.forEach((call: unknown, index) => {
    if (!isObject(call)) throw badRequest('invalid_event', `call ${index} is not an object`, [{ path: `batch[${index}]`, message: 'must be an object' }]);
  });
  return { calls: parsed.batch as Record<string, unknown>[], writeKey, envelope: { sentAt: parsed.sentAt, context: parsed.context, integrations: parsed.integrations } };
}

/**
 * One Segment call as an Argus event (the README's mapping table):
 * - `event_id`: `messageId` when it is a UUID, else UUIDv5(messageId, application id), so an SDK's
 *   retry with the same messageId is the same event; none given, the api makes one.
 * - `session_id`: UUIDv5("anonymous:" + anonymousId, application id), or "user:" + userId when
 *   there is no anonymousId: one session per visitor of one application.
 * - category: the call type; name: `event` (track), `name` (page, screen) or the call type.
 * - data: `properties` (track, page, screen), `traits` (identify), `traits` with `group_id` (group),
 *   `{ previous_id }` (alias).
 * - timestamp: `originalTimestamp`, else `timestamp`, corrected by `sentAt` as POST /events does;
 *   a call with neither happened when it was received.
 */
export function segmentEvent(call: Record<string, unknown>, applicationId: string, receivedAt: string, envelope: SegmentEnvelope = {}): Record<string, unknown> {
  const userId = idText(call.userId);
  const anonymousId = idText(call.anonymousId);
  const clientTimestamp = call.originalTimestamp ?? call.timestamp;
  // fields left undefined are absent from the JSON: the contract then names a required one missing
  return {
    event_id: eventIdOf(call.messageId, applicationId),
    session_id: sessionIdOf(anonymousId, userId, applicationId),
    category: call.type,
    name: nameOf(call),
    data: dataOf(call),
    timestamp: clientTimestamp ?? receivedAt,
    sent_at: clientTimestamp === undefined ? undefined : (call.sentAt ?? envelope.sentAt),
    user_id: userId,
    anonymous_id: anonymousId,
    context: mergeObjects(envelope.context, call.context),
    integrations: mergeObjects(envelope.integrations, call.integrations),
  };
}

/**
 * A visitor sends many calls: their session id is hashed once. The cache is keyed by application,
 * then by the id as sent, with no text built per call (joining the application, the kind and the
 * id into one key cost more than the rest of the mapping); it is cleared when full, as the token
 * cache is.
 */
type VisitorSessions = { anonymous: Map<string, string>; user: Map<string, string> };
const sessionsByApplication = new Map<string, VisitorSessions>();
let cachedSessionIds = 0;

/** UUIDv5("anonymous:" + anonymousId, application id), else "user:" + userId; none without either. */
function sessionIdOf(anonymousId: unknown, userId: unknown, applicationId: string): string | undefined {
  const kind = anonymousId !== undefined ? 'anonymous' : userId !== undefined ? 'user' : undefined;
  if (kind === undefined) return undefined;
  // an id that is neither text nor a number is kept as JSON gave it, and named as a template names it
  const id = String(kind === 'anonymous' ? anonymousId : userId);
  let sessions = sessionsByApplication.get(applicationId);
  if (sessions === undefined) sessionsByApplication.set(applicationId, (sessions = { anonymous: new Map(), user: new Map() }));
  let sessionId = sessions[kind].get(id);
  if (sessionId === undefined) {
    if (cachedSessionIds >= 10_000) {
      sessionsByApplication.clear();
      sessionsByApplication.set(applicationId, (sessions = { anonymous: new Map(), user: new Map() }));
      cachedSessionIds = 0;
    }
    sessions[kind].set(id, (sessionId = uuidV5(`${kind}:${id}`, applicationId)));
    cachedSessionIds += 1;
  }
  return sessionId;
}

/** The stored id of a call, as the README tells users to compute it. */
export function segmentEventId(messageId: string, applicationId: string): string {
  return uuidPattern.test(messageId) ? messageId.toLowerCase() : uuidV5(messageId, applicationId);
}

function eventIdOf(messageId: unknown, applicationId: string): string | undefined {
  if (typeof messageId === 'string' && messageId !== '') return segmentEventId(messageId, applicationId);
  if (messageId === undefined || messageId === null) return undefined;
  throw badRequest('invalid_event_id', 'messageId must be a string (it makes retries idempotent)', [{ path: 'messageId', message: 'must be a string' }]);
}

function nameOf(call: Record<string, unknown>): unknown {
  switch (call.type) {
    case 'track':
      return call.event;
    case 'page':
    case 'screen':
      return call.name ?? call.type;
    default:
      return call.type;
  }
}

function dataOf(call: Record<string, unknown>): unknown {
  switch (call.type) {
    case 'track':
    case 'page':
    case 'screen':
      return call.properties ?? {};
    case 'identify':
      return call.traits ?? {};
    case 'group':
      return isObject(call.traits ?? {}) ? { ...(call.traits as object | undefined), group_id: call.groupId } : call.traits;
    case 'alias':
      return { previous_id: call.previousId };
    default:
      return call.properties ?? {};
  }
}

/** Segment takes numeric user ids; Argus keeps every id as text. */
const idText = (value: unknown): unknown => (typeof value === 'number' ? String(value) : value === null ? undefined : value);

function mergeObjects(envelope: unknown, own: unknown): unknown {
  if (own === undefined || own === null) return envelope ?? undefined;
  if (envelope === undefined) return own;
  return isObject(envelope) && isObject(own) ? { ...envelope, ...own } : own;
}
