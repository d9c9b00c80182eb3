import type { ErrorRow, EventRow } from '@argus/shared';
import type { EventStore, StoreBatch, StoreResult } from './event-store.js';

/** The data error PostgreSQL raises for a timestamp out of range, as the fake raises it for a refused row. */
export class FakeDataError extends Error {
  code = '22008';
}

export type MemoryEventStore = EventStore & {
  events: Map<string, EventRow>;
  errors: Map<string, ErrorRow>;
  applications: Map<string, string>;
  /** Rows (events or errors) the fake database refuses as a real one refuses bad data. */
  refuses?: (row: EventRow | ErrorRow) => boolean;
  /** While set, every call fails as an unreachable database does. */
  down: boolean;
  calls: number;
};

/** An in-memory EventStore with the same rules as PostgreSQL's, for tests that need no services. */
export function createMemoryEventStore(applications: Record<string, string> = {}): MemoryEventStore {
  const errorKey = (applicationId: string, eventId: string) => `${applicationId}/${eventId}`;
  const store: MemoryEventStore = {
    events: new Map(),
    errors: new Map(),
    applications: new Map(Object.entries(applications)),
    down: false,
    calls: 0,
    async applicationNames(ids) {
      if (store.down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      return new Map(ids.filter((id) => store.applications.has(id)).map((id) => [id, store.applications.get(id)!]));
    },
    async store(batch: StoreBatch): Promise<StoreResult> {
      store.calls += 1;
      if (store.down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      if ([...batch.events, ...batch.errors].some((row) => store.refuses?.(row))) throw new FakeDataError('date/time field value out of range');
      // all or nothing, as a transaction
      const events = new Map(store.events);
      const errors = new Map(store.errors);
      const inTable: EventRow[] = [];
      const newErrors = [...batch.errors];
      for (const event of batch.events) {
        const owner = events.get(event.id)?.applicationId;
        const keptAsError = errors.has(errorKey(event.applicationId, event.id));
        if (owner === undefined && (!keptAsError || batch.replays.has(event.id))) {
          events.set(event.id, event);
          errors.delete(errorKey(event.applicationId, event.id));
          inTable.push(event);
        } else if (owner === event.applicationId) inTable.push(event);
        else if (owner !== undefined) newErrors.push({ ...event, eventId: event.id, reasons: [{ path: 'event_id', message: "another application's event already has this id" }] });
      }
      let kept = 0;
      for (const error of newErrors) {
        const key = errorKey(error.applicationId, error.eventId);
        if (events.get(error.eventId)?.applicationId === error.applicationId) continue;
        if (errors.has(key) && !batch.replays.has(error.eventId)) continue;
        errors.set(key, error);
        kept += 1;
      }
      store.events = events;
      store.errors = errors;
      return { events: inTable, kept };
    },
  };
  return store;
}
