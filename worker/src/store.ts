import type { DataSource, EntityManager } from 'typeorm';
import type { ErrorRow, EventRow } from './pipeline/rows.js';

/** `events`: the batch's events now in the table, redelivered ones included. */
export type StoreResult = { stored: number; invalid: number; events: EventRow[] };

/**
 * Stores a batch in one transaction, idempotently: a redelivered event adds no row. Rows go in
 * key order so that two workers storing overlapping batches lock in the same order (no deadlock). Each array
 * column travels as one parameter (unnest), so a batch costs a handful of statements, not one per row.
 * Events that the database itself refuses to file under their application (a session already
 * owned by another application, an event id another application used) join the errors instead.
 */
export async function storeBatch(db: DataSource, batch: { events: EventRow[]; errors: ErrorRow[] }): Promise<StoreResult> {
  return db.transaction(async (tx) => {
    const errors = [...batch.errors];
    let events = batch.events;
    if (events.length > 0) {
      const misfiled = await sessionConflicts(tx, events);
      events = events.filter((event) => !misfiled.has(event.id));
      const inserted = await insertEvents(tx, events);
      const taken = await idsTakenByOtherApplications(tx, events.filter((event) => !inserted.has(event.id)));
      for (const event of batch.events) {
        if (misfiled.has(event.id)) errors.push(asError(event, 'session_id', 'this session belongs to another application'));
        else if (taken.has(event.id)) errors.push(asError(event, 'event_id', "another application's event already has this id"));
      }
      events = events.filter((event) => !taken.has(event.id));
    }
    await insertErrors(tx, errors);
    return { stored: events.length, invalid: errors.length, events };
  });
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

async function insertEvents(tx: EntityManager, events: EventRow[]): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  const rows: { id: string }[] = await tx.query(
    `INSERT INTO events (id, application_id, session_id, category, name, data, timestamp, client_timestamp, sent_at, received_at, request_id, schema_version)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::jsonb[],
                          $7::timestamptz[], $8::timestamptz[], $9::timestamptz[], $10::timestamptz[], $11::text[], $12::int[])
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
    ],
  );
  return new Set(rows.map((row) => row.id));
}

/** Of events not inserted, those whose id belongs to another application's event (the rest are redeliveries). */
async function idsTakenByOtherApplications(tx: EntityManager, notInserted: EventRow[]): Promise<Set<string>> {
  if (notInserted.length === 0) return new Set();
  const rows: { id: string }[] = await tx.query(
    `SELECT e.id FROM events e
     JOIN unnest($1::uuid[], $2::uuid[]) AS candidate(id, application_id) ON e.id = candidate.id
     WHERE e.application_id <> candidate.application_id`,
    [notInserted.map((e) => e.id), notInserted.map((e) => e.applicationId)],
  );
  return new Set(rows.map((row) => row.id));
}

/**
 * A failure seen again (a replay that still fails) takes its new reasons and loses its replay mark,
 * so operators see why it still fails. Duplicates within the batch are dropped first: an upsert
 * cannot touch the same row twice in one statement.
 */
async function insertErrors(tx: EntityManager, batchErrors: ErrorRow[]): Promise<void> {
  const errors = [...new Map(batchErrors.map((e) => [`${e.applicationId}/${e.eventId}`, e])).values()];
  if (errors.length === 0) return;
  await tx.query(
    `INSERT INTO event_errors (event_id, application_id, raw, reasons, received_at, request_id)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::jsonb[], $4::jsonb[], $5::timestamptz[], $6::text[])
     ORDER BY 2, 1
     ON CONFLICT (application_id, event_id) DO UPDATE SET reasons = EXCLUDED.reasons, replayed_at = NULL`,
    [
      errors.map((e) => e.eventId),
      errors.map((e) => e.applicationId),
      errors.map((e) => JSON.stringify(e.raw)),
      errors.map((e) => JSON.stringify(e.reasons)),
      errors.map((e) => e.receivedAt),
      errors.map((e) => e.requestId),
    ],
  );
}

function asError(event: EventRow, path: string, message: string): ErrorRow {
  const { id, applicationId, raw, receivedAt, requestId } = event;
  return { eventId: id, applicationId, raw, reasons: [{ path, message }], receivedAt, requestId };
}

/** The current name of each application (names can be edited, so they are not cached). */
export async function applicationNames(db: DataSource, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows: { id: string; name: string }[] = await db.query('SELECT id, name FROM applications WHERE id = ANY($1::uuid[])', [[...new Set(ids)]]);
  return new Map(rows.map((row) => [row.id, row.name]));
}
