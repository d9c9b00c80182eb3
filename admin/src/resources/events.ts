import { StoredEvent } from '@argus/shared';
import type { Filter, ResourceWithOptions } from 'adminjs';
import type { DataSource } from 'typeorm';
import type { AdminComponents } from '../components.js';
import { applicationReference, readableTimes } from './readable.js';
import { readOnly } from './read-only.js';
import { RepositoryResource } from './repository-resource.js';

/** Below this many rows an exact count is cheap enough; above it the planner's estimate stands in. */
const exactCountLimit = 100_000;
/** A filtered list counts at most this many matches. */
const filteredCountLimit = 10_000;

/**
 * Events, newest first (the (timestamp, id) index read backwards). An unfiltered list page does not
 * count a table of millions of rows on every load: it shows PostgreSQL's own estimate instead, and a
 * filtered one stops counting at 10,001. Category and name match exactly, like the kinds they name, and
 * so do the user and anonymous ids, as the api's query filters them.
 */
export class EventsResource extends RepositoryResource {
  constructor(db: DataSource) {
    super(db, StoredEvent, { exactTextFilters: ['category', 'name', 'userId', 'anonymousId'], countLimit: filteredCountLimit });
  }

  override async count(filter: Filter): Promise<number> {
    if (Object.keys(filter.filters).length === 0) {
      const [{ estimate }] = await this.db.query(`SELECT reltuples::bigint AS estimate FROM pg_class WHERE oid = 'events'::regclass`);
      // -1: never analysed yet
      if (Number(estimate) > exactCountLimit) return Number(estimate);
    }
    return super.count(filter);
  }
}

export function eventsResource(db: DataSource, components: AdminComponents): ResourceWithOptions {
  return {
    resource: new EventsResource(db),
    options: {
      id: 'events',
      navigation: { name: 'Traffic', icon: 'Activity' },
      sort: { sortBy: 'timestamp', direction: 'desc' },
      listProperties: ['timestamp', 'applicationId', 'category', 'name', 'userId', 'sessionId'],
      filterProperties: ['applicationId', 'sessionId', 'userId', 'anonymousId', 'category', 'name', 'timestamp'],
      showProperties: ['id', 'timestamp', 'category', 'name', 'sessionId', 'userId', 'anonymousId', 'applicationId', 'data', 'clientTimestamp', 'sentAt', 'receivedAt', 'storedAt', 'requestId'],
      properties: {
        ...readableTimes(components, ['timestamp', 'clientTimestamp', 'sentAt', 'receivedAt', 'storedAt']),
        applicationId: applicationReference,
        data: { type: 'mixed', components: { show: components.JsonView } },
      },
      actions: readOnly,
    },
  };
}
