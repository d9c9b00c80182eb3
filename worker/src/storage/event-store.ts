import type { ErrorRow, EventRow } from '@argus/shared';

/** What one transaction stores: valid events, invalid ones, and which event ids an operator replayed. */
export type StoreBatch = { events: readonly EventRow[]; errors: readonly ErrorRow[]; replays: ReadonlySet<string> };

/**
 * `events`: the batch's events that are in the table now, stored by this call or already there
 * (a redelivery); they go on to the stream. `kept`: the error rows written.
 */
export type StoreResult = { events: EventRow[]; kept: number };

/**
 * Where events are kept. `store` is one transaction and idempotent by event id. It throws an error
 * with a PostgreSQL SQLSTATE of a data class (see isCausedByData) when the database refuses a row's
 * content, and any other error when the database is unreachable or failing.
 *
 * One event id lives in one table: a copy of an event already kept as an error is not stored as an
 * event (the first copy decides), and one already stored is not kept as an error, unless an operator
 * replays it: a replay that passes moves the event from event_errors to events.
 */
export type EventStore = {
  store(batch: StoreBatch): Promise<StoreResult>;
  /** The current name of each application that still exists. */
  applicationNames(ids: readonly string[]): Promise<Map<string, string>>;
};
