import { z } from 'zod';
import { eventKindName, withoutNul } from './event-kind.js';
import { parseTimestamp, timestampGrammar } from './timestamp.js';

/** `data` may nest this many levels (`data` itself is the first). PostgreSQL's jsonb holds more; readers and indexes are kinder with less. */
export const maxDataDepth = 32;

/** Who acted, as the sending system names them (Segment's `userId` and `anonymousId`). */
const actorId = () => withoutNul(z.string('must be a string').min(1, 'must not be empty').max(1000, 'must be at most 1000 characters'));
const attributes = () => z.record(z.string(), z.unknown(), 'must be an object');

const timestampText = () => z.string('must be a string').refine((text) => parseTimestamp(text) !== undefined, `must be ${timestampGrammar}`);

/**
 * The one description of an event as applications send it. The api checks what it must of it on the
 * hot path (`event_id`), the worker checks the rest, the OpenAPI document shows it, and the client's
 * wire format is held to it by a contract test. Unknown top-level fields are refused, not dropped.
 * A function, not a constant: zod gives a schema its methods when it is made, and the api documents
 * it after extending zod.
 */
export const incomingEventSchema = () =>
  z.strictObject({
    event_id: z.guid('must be a UUID').optional(),
    session_id: z.guid('must be a UUID'),
    category: eventKindName(),
    name: eventKindName(),
    data: z.record(z.string(), z.unknown(), 'must be an object'),
    timestamp: timestampText(),
    sent_at: timestampText().optional(),
    schema_version: z.number('must be a number').int('must be a whole number').positive('must be 1 or more').optional(),
    /** The known user, and the visitor before (or without) one: what Segment's calls carry; GET /events filters by them. */
    user_id: actorId().optional(),
    anonymous_id: actorId().optional(),
    /** What Segment's calls say about where they come from (device, page, library…) and which tools should get them: kept as sent. */
    context: attributes().optional(),
    integrations: attributes().optional(),
  });

export type IncomingEvent = z.infer<ReturnType<typeof incomingEventSchema>>;

/** A request body of POST /events: one event, an array of events, or a batch with the client's clock when it sent it. */
export const ingestBodySchema = (event = incomingEventSchema(), maxEvents = 500) =>
  z.union([event, z.array(event).max(maxEvents), z.object({ batch: z.array(event).max(maxEvents), sent_at: timestampText().optional() })]);

/**
 * A UUID as `event_id` and `session_id` take it: any version, either case (zod's `guid`). As a
 * pattern for the ingest hot paths, which check an id without building a zod parse.
 */
export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
