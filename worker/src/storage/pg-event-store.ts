import type { ErrorRow, EventRow } from '@argus/shared';
import type { DataSource, EntityManager } from 'typeorm';
import type { EventStore, StoreBatch } from './event-store.js';

/**
 * The EventStore on PostgreSQL: a batch in one transaction, in key order so that two workers storing
 * overlapping batches lock in the same order (no deadlock). Each array column travels as one
 * parameter (unnest), so a batch costs a handful of statements, not one per row. Events the database
 * refuses to file under their application (a session another application owns, an event id another
 * application used) join the errors instead.
 */
export function createPgEventStore(db: DataSource): EventStore {
  return {
    store: (batch) => db.transaction((tx) => storeBatch(tx, batch)),
    async applicationNames(ids) {
      if (ids.length === 0) return new Map();
      const rows: { id: string; name: string }[] = await db.query('SELECT id, name FROM applications WHERE id = ANY($1::uuid[])', [[...new Set(ids)]]);
      return new Map(rows.map((row) => [row.id, row.name]));
    },
  };
}

async function storeBatch(tx: EntityManager, batch: StoreBatch) {
  const errors = [...batch.errors];
  let events = [...batch.events];
  if (events.length > 0) {
    const misfiled = await sessionConflicts(tx, events);
    events = events.filter((event) => !misfiled.has(event.id));
    const inserted = await insertEvents(tx, events, batch.replays);
    const owners = await ownersOf(tx, events.filter((event) => !inserted.has(event.id)));
    for (const event of batch.events) {
      if (misfiled.has(event.id)) errors.push(asError(event, 'session_id', 'this session belongs to another application'));
      else if (!inserted.has(event.id) && owners.has(event.id) && owners.get(event.id) !== event.applicationId) {
        errors.push(asError(event, 'event_id', "another application's event already has this id"));
      }
    }
    // in the table now: inserted, or there before under the same application (a redelivery); the
    // rest were held back by an earlier invalid copy of the same event
    events = events.filter((event) => inserted.has(event.id) || owners.get(event.id) === event.applicationId);
    await forgetReplayedErrors(tx, events.filter((event) => inserted.has(event.id) && batch.replays.has(event.id)));
  }
  const kept = await insertErrors(tx, errors, batch.replays);
  return { events, kept };
}

/** Claims each new session for its application and returns the ids of events whose session another application owns. */
async function sessionConflicts(tx: EntityManager, events: EventRow[]): Promise<Set<string>> {
  const firstSeen = new Map<string, EventRow>();
  for (const event of events) {
    const seen = firstSeen.get(event.sessionId);
    if (!seen || event.timestamp < seen.timestamp) firstSeen.set(event.sessionId, event);
  }
  const sessions = [...firstSeen.values()];
  await tx.query(
    `INSERT INTO sessions (id, application_id, first_seen_at)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[])
     ORDER BY 1
     ON CONFLICT (id) DO NOTHING`,
    [sessions.map((s) => s.sessionId), sessions.map((s) => s.applicationId), sessions.map((s) => s.timestamp)],
  );
  // READ COMMITTED: this sees the owner even when a concurrent worker won the insert above
  const owners: { id: string; application_id: string }[] = await tx.query(
    'SELECT id, application_id FROM sessions WHERE id = ANY($1::uuid[])',
    [sessions.map((s) => s.sessionId)],
  );
  const ownerOf = new Map(owners.map((row) => [row.id, row.application_id]));
  return new Set(events.filter((event) => ownerOf.get(event.sessionId) !== event.applicationId).map((event) => event.id));
}

/** Inserts new events, except those whose application keeps an invalid copy of them and did not replay it. */
async function insertEvents(tx: EntityManager, events: EventRow[], replays: ReadonlySet<string>): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  const rows: { id: string }[] = await tx.query(
    `INSERT INTO events (id, application_id, session_id, category, name, data, timestamp, client_timestamp, sent_at, received_at, request_id, schema_version,
                         user_id, anonymous_id, context, integrations)
     SELECT c.id, c.application_id, c.session_id, c.category, c.name, c.data, c.timestamp, c.client_timestamp, c.sent_at, c.received_at, c.request_id, c.schema_version,
            c.user_id, c.anonymous_id, c.context, c.integrations
     FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::jsonb[],
                 $7::timestamptz[], $8::timestamptz[], $9::timestamptz[], $10::timestamptz[], $11::text[], $12::int[], $13::boolean[],
                 $14::text[], $15::text[], $16::jsonb[], $17::jsonb[])
       AS c(id, application_id, session_id, category, name, data, timestamp, client_timestamp, sent_at, received_at, request_id, schema_version, replay,
            user_id, anonymous_id, context, integrations)
     WHERE c.replay OR NOT EXISTS (SELECT 1 FROM event_errors e WHERE e.application_id = c.application_id AND e.event_id = c.id)
     ORDER BY 1
     ON CONFLICT (id) DO NOTHING
     RETURNING id`,
    [
      events.map((e) => e.id),
      events.map((e) => e.applicationId),
      events.map((e) => e.sessionId),
      events.map((e) => e.category),
      events.map((e) => e.name),
      events.map((e) => JSON.stringify(e.data)),
      events.map((e) => e.timestamp),
      events.map((e) => e.clientTimestamp),
      events.map((e) => e.sentAt),
      events.map((e) => e.receivedAt),
      events.map((e) => e.requestId),
      events.map((e) => e.schemaVersion),
      events.map((e) => replays.has(e.id)),
      events.map((e) => e.userId),
      events.map((e) => e.anonymousId),
      events.map((e) => (e.context === null ? null : JSON.stringify(e.context))),
      events.map((e) => (e.integrations === null ? null : JSON.stringify(e.integrations))),
    ],
  );
  return new Set(rows.map((row) => row.id));
}

/** The application of each of these events already in the table. */
async function ownersOf(tx: EntityManager, events: EventRow[]): Promise<Map<string, string>> {
  if (events.length === 0) return new Map();
  const rows: { id: string; application_id: string }[] = await tx.query('SELECT id, application_id FROM events WHERE id = ANY($1::uuid[])', [
    events.map((e) => e.id),
  ]);
  return new Map(rows.map((row) => [row.id, row.application_id]));
}

/** A replay that passed moves its event: the error row goes, so the id lives in one table. */
async function forgetReplayedErrors(tx: EntityManager, events: EventRow[]): Promise<void> {
  if (events.length === 0) return;
  await tx.query(
    `DELETE FROM event_errors e USING unnest($1::uuid[], $2::uuid[]) AS moved(id, application_id)
     WHERE e.event_id = moved.id AND e.application_id = moved.application_id`,
    [events.map((e) => e.id), events.map((e) => e.applicationId)],
  );
}

/**
 * Keeps invalid events, except copies of events their application already stored. A failure seen
 * again keeps its first reasons, unless it is a replay: that takes the new reasons and loses its
 * replay mark, so operators see why it still fails. Duplicates within the batch are dropped first:
 * an upsert cannot touch the same row twice in one statement.
 */
async function insertErrors(tx: EntityManager, batchErrors: ErrorRow[], replays: ReadonlySet<string>): Promise<number> {
  const errors = [...new Map(batchErrors.map((e) => [`${e.applicationId}/${e.eventId}`, e])).values()];
  const replayed = errors.filter((e) => replays.has(e.eventId));
  const first = errors.filter((e) => !replays.has(e.eventId));
  return (await upsertErrors(tx, first, 'DO NOTHING')) + (await upsertErrors(tx, replayed, 'DO UPDATE SET reasons = EXCLUDED.reasons, replayed_at = NULL'));
}

async function upsertErrors(tx: EntityManager, errors: ErrorRow[], onConflict: string): Promise<number> {
  if (errors.length === 0) return 0;
  const rows: unknown[] = await tx.query(
    `INSERT INTO event_errors (event_id, application_id, raw, reasons, received_at, request_id)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::jsonb[], $4::jsonb[], $5::timestamptz[], $6::text[])
       AS c(event_id, application_id, raw, reasons, received_at, request_id)
     WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = c.event_id AND e.application_id = c.application_id)
     ORDER BY 2, 1
     ON CONFLICT (application_id, event_id) ${onConflict}
     RETURNING 1`,
    [
      errors.map((e) => e.eventId),
      errors.map((e) => e.applicationId),
      errors.map((e) => JSON.stringify(e.raw)),
      errors.map((e) => JSON.stringify(e.reasons)),
      errors.map((e) => e.receivedAt),
      errors.map((e) => e.requestId),
    ],
  );
  return rows.length;
}

function asError(event: EventRow, path: string, message: string): ErrorRow {
  const { id, applicationId, raw, receivedAt, requestId } = event;
  return { eventId: id, applicationId, raw, reasons: [{ path, message }], receivedAt, requestId };
}
