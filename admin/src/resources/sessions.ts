import { Session } from '@argus/shared';
import type { ActionContext, ActionResponse, ResourceWithOptions } from 'adminjs';
import type { DataSource } from 'typeorm';
import type { AdminComponents } from '../components.js';
import { applicationReference, readableTimes } from './readable.js';
import { readOnly } from './read-only.js';
import { RepositoryResource } from './repository-resource.js';

/** Visits; "eventsInOrder" opens the visit's events in the order they happened. */
export function sessionsResource(db: DataSource, components: AdminComponents): ResourceWithOptions {
  return {
    resource: new RepositoryResource(db, Session),
    options: {
      id: 'sessions',
      navigation: { name: 'Traffic', icon: 'Activity' },
      sort: { sortBy: 'firstSeenAt', direction: 'desc' },
      // the application's name links to it: kept to the side, so a click in the middle of a row opens the session
      listProperties: ['id', 'firstSeenAt', 'applicationId'],
      filterProperties: ['id', 'applicationId', 'firstSeenAt'],
      properties: { ...readableTimes(components, ['firstSeenAt']), applicationId: applicationReference },
      actions: {
        ...readOnly,
        eventsInOrder: {
          actionType: 'record',
          icon: 'List',
          component: false,
          handler: async (_request: unknown, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
            const record = context.record!;
            const search = new URLSearchParams({ 'filters.sessionId': String(record.id()), sortBy: 'timestamp', direction: 'asc' });
            return {
              record: record.toJSON(context.currentAdmin),
              redirectUrl: context.h.resourceUrl({ resourceId: 'events', search: `?${search}` }),
            };
          },
        },
      },
    },
  };
}
