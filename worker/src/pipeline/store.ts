import type { ErrorRow, EventRow, Logger } from '@argus/shared';
import type { EventStore, StoreBatch } from '../storage/event-store.js';
import { storableCopy } from '../validation/json-safety.js';
import { isCausedByData } from './retry.js';
import type { Verdict } from './types.js';

/** What storing a batch came to: the events now in the table (for the stream), and every event's fate counted. */
export type Stored = { events: EventRow[]; names: ReadonlyMap<string, string>; kept: number; discarded: number };

export type StoreDeps = { store: EventStore; log: Logger };

/**
 * Step 4: the batch in one transaction. The database refusing one row's data must not decide
 * anything for the others, so a refused batch is stored again one event at a time, and the event the
 * database refuses becomes an error row with the database's reason. Events of an application that no
 * longer exists have nowhere to go: they are discarded and counted, never dead-lettered with their
 * neighbours. Anything else thrown is an outage, for the runner to retry.
 */
export async function store(items: readonly Verdict<EventRow>[], deps: StoreDeps): Promise<Stored> {
  const names = await deps.store.applicationNames([...new Set(items.map((item) => item.ref.request.application_id))]);
  const live = items.filter((item) => names.has(item.ref.request.application_id));
  const discarded = items.length - live.length;
  if (discarded > 0) deps.log.warn({ discarded }, 'discarding events of applications that no longer exist');
  const batch: StoreBatch = {
    events: live.flatMap((item) => (item.ok ? [item.value] : [])),
    errors: live.flatMap((item) => (item.ok ? [] : [item.error])),
    replays: new Set(live.filter((item) => item.ref.request.replay).map((item) => item.ref.id)),
  };
  try {
    const result = await deps.store.store(batch);
    return { events: result.events, kept: result.kept, names, discarded };
  } catch (error) {
    if (!isCausedByData(error)) throw error;
    deps.log.warn({ err: error }, 'the database refused a row of a batch; storing its events one by one');
  }
  return storeOneByOne(batch, names, discarded, deps);
}

async function storeOneByOne(batch: StoreBatch, names: ReadonlyMap<string, string>, discarded: number, deps: StoreDeps): Promise<Stored> {
  const stored: Stored = { events: [], names, kept: 0, discarded };
  const keep = async (error: ErrorRow) => {
    const outcome = await attempt({ ...batch, events: [], errors: [error] });
    if (outcome.ok) stored.kept += outcome.kept;
    else stored.discarded += 1;
  };
  for (const event of batch.events) {
    const outcome = await attempt({ ...batch, events: [event], errors: [] });
    if (outcome.ok) {
      stored.events.push(...outcome.events);
      stored.kept += outcome.kept;
    } else await keep(refusedByDatabase(event, outcome.message));
  }
  for (const error of batch.errors) await keep(error);
  return stored;

  /** One event alone; a refusal is its own, an outage is thrown. A refused error row is kept once more as plain text. */
  async function attempt(single: StoreBatch): Promise<{ ok: true; events: EventRow[]; kept: number } | { ok: false; message: string }> {
    try {
      return { ok: true, ...(await deps.store.store(single)) };
    } catch (error) {
      if (!isCausedByData(error)) throw error;
      const [row] = single.errors;
      if (row && !isFallback(row.raw)) {
        deps.log.error({ err: error, eventId: row.eventId }, 'the database refused an invalid event; keeping it as text');
        return attempt({ ...single, errors: [{ ...row, raw: asText(row.raw) }] });
      }
      if (row) deps.log.error({ err: error, eventId: row.eventId }, 'the database refused an invalid event even as text; discarding it');
      return { ok: false, message: (error as Error).message };
    }
  }
}

function refusedByDatabase(event: EventRow, message: string): ErrorRow {
  const { id, applicationId, raw, receivedAt, requestId } = event;
  return { eventId: id, applicationId, raw, reasons: [{ path: '', message: `refused by the database: ${message.slice(0, 200)}` }], receivedAt, requestId };
}

const fallbackKey = 'unstorable_event_as_text';
const isFallback = (raw: unknown) => typeof raw === 'object' && raw !== null && fallbackKey in raw;
const asText = (raw: unknown) => ({ [fallbackKey]: storableCopy(JSON.stringify(raw), 0) });
