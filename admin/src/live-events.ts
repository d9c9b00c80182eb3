import { eventKindName } from '@argus/shared';
import type { DataSource } from 'typeorm';
import { z } from 'zod';

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional()).catch(undefined);

/** What the live page filters by; anything malformed means "any", so a half-typed filter never breaks the page. */
export const liveQuery = z.object({
  applicationId: optional(z.uuid()),
  category: optional(eventKindName()),
  name: optional(eventKindName()),
  /** The user or anonymous id exactly as sent (Segment's userId, anonymousId). */
  userId: optional(z.string().max(1000)),
  anonymousId: optional(z.string().max(1000)),
});
export type LiveQuery = z.infer<typeof liveQuery>;

export type LiveEvent = {
  eventId: string;
  applicationId: string;
  application: string;
  category: string | null;
  name: string | null;
  sessionId: string | null;
  userId: string | null;
  anonymousId: string | null;
  receivedAt: string;
  /** Null for a stored event; the readable reasons for one that failed validation. */
  reasons: string[] | null;
  /** The event_errors row of an invalid event, for its page. */
  errorId: string | null;
};

export const liveLimit = 50;

/**
 * The newest events, stored and invalid, newest first. Asked by the live page once a second while
 * it is open, and only then: each ask reads the newest rows of the received_at indexes of events
 * and event_errors, and ingestion is not involved at all.
 */
export async function latestEvents(db: DataSource, query: LiveQuery): Promise<LiveEvent[]> {
  const filters = [query.applicationId ?? null, query.category ?? null, query.name ?? null, query.userId ?? null, query.anonymousId ?? null];
  const [stored, invalid]: [LiveEvent[], (LiveEvent & { problems: { path: string; message: string }[] })[]] = await Promise.all([
    db.query(
      `SELECT e.id AS "eventId", e.application_id AS "applicationId", a.name AS application, e.category, e.name, e.session_id AS "sessionId",
              e.user_id AS "userId", e.anonymous_id AS "anonymousId", e.received_at AS "receivedAt", NULL AS reasons, NULL AS "errorId"
       FROM events e JOIN applications a ON a.id = e.application_id
       WHERE ($1::uuid IS NULL OR e.application_id = $1) AND ($2::text IS NULL OR e.category = $2) AND ($3::text IS NULL OR e.name = $3)
         AND ($4::text IS NULL OR e.user_id = $4) AND ($5::text IS NULL OR e.anonymous_id = $5)
       ORDER BY e.received_at DESC LIMIT ${liveLimit}`,
      filters,
    ),
    db.query(
      `SELECT x.event_id AS "eventId", x.application_id AS "applicationId", a.name AS application, x.raw->>'category' AS category,
              x.raw->>'name' AS name, x.raw->>'session_id' AS "sessionId",
              x.raw->>'user_id' AS "userId", x.raw->>'anonymous_id' AS "anonymousId", x.received_at AS "receivedAt", x.reasons AS problems, x.id::text AS "errorId"
       FROM event_errors x JOIN applications a ON a.id = x.application_id
       WHERE ($1::uuid IS NULL OR x.application_id = $1) AND ($2::text IS NULL OR x.raw->>'category' = $2) AND ($3::text IS NULL OR x.raw->>'name' = $3)
         AND ($4::text IS NULL OR x.raw->>'user_id' = $4) AND ($5::text IS NULL OR x.raw->>'anonymous_id' = $5)
       ORDER BY x.received_at DESC LIMIT ${liveLimit}`,
      filters,
    ),
  ]);
  const refused = invalid.map(({ problems, ...event }) => ({ ...event, reasons: problems.map(reasonLine) }));
  return newestFirst([...stored, ...refused]);
}

export const reasonLine = (problem: { path: string; message: string }) => `${problem.path}: ${problem.message}`;

/** Both lists merged by the time the api received each event, newest first, at most `liveLimit`. */
export function newestFirst(events: LiveEvent[]): LiveEvent[] {
  const time = (event: LiveEvent) => new Date(event.receivedAt).getTime();
  return [...events].sort((a, b) => time(b) - time(a)).slice(0, liveLimit);
}
