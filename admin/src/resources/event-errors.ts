import { EventError } from '@argus/shared';
import type { ActionContext, ActionRequest, ActionResponse, BaseRecord, ResourceWithOptions } from 'adminjs';
import type { DataSource } from 'typeorm';
import type { AdminComponents } from '../components.js';
import { replayEventErrors, type ReplayDependencies } from '../replay.js';
import { readOnly } from './read-only.js';
import { RepositoryResource } from './repository-resource.js';

/** Invalid events with their reasons; replay sends them through the worker again once its rules are fixed. */
export function eventErrorsResource(deps: ReplayDependencies, components: AdminComponents): ResourceWithOptions {
  const replay = async (records: BaseRecord[], context: ActionContext) => {
    const replayed = await replayEventErrors(deps, records.map((record) => String(record.id())));
    return { message: `${replayed} event${replayed === 1 ? '' : 's'} sent to the worker again`, type: 'success' as const, context };
  };
  return {
    resource: new RepositoryResource(deps.db as DataSource, EventError),
    options: {
      id: 'event_errors',
      navigation: { name: 'Traffic', icon: 'Activity' },
      sort: { sortBy: 'receivedAt', direction: 'desc' },
      listProperties: ['id', 'receivedAt', 'applicationId', 'eventId', 'reasons', 'replayedAt'],
      filterProperties: ['applicationId', 'eventId', 'receivedAt', 'replayedAt'],
      showProperties: ['id', 'eventId', 'applicationId', 'reasons', 'raw', 'receivedAt', 'storedAt', 'requestId', 'replayedAt'],
      properties: {
        raw: { type: 'mixed', components: { show: components.JsonView } },
        reasons: { type: 'mixed', components: { show: components.JsonView, list: components.JsonView } },
      },
      actions: {
        ...readOnly,
        replay: {
          actionType: 'record',
          icon: 'RefreshCw',
          component: false,
          guard: 'Send this event through the worker again?',
          handler: async (_request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
            const record = context.record!;
            const { message, type } = await replay([record], context);
            const refreshed = await context.resource.findOne(String(record.id()));
            return { record: (refreshed ?? record).toJSON(context.currentAdmin), notice: { message, type } };
          },
        },
        replaySelected: {
          actionType: 'bulk',
          icon: 'RefreshCw',
          component: false,
          guard: 'Send the selected events through the worker again?',
          handler: async (_request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
            const records = context.records ?? [];
            const { message, type } = await replay(records, context);
            return { records: records.map((record) => record.toJSON(context.currentAdmin)), notice: { message, type } };
          },
        },
      },
    },
  };
}
