import { EventError } from '@argus/shared';
import type { BaseRecord, ResourceWithOptions } from 'adminjs';
import type { DatabaseAndBroker } from '../broker.js';
import type { AdminComponents } from '../components.js';
import { replayEventErrors } from '../replay.js';
import { readOnly } from './read-only.js';
import { eventCount, replayActions } from './replay-actions.js';
import { RepositoryResource } from './repository-resource.js';

/** Invalid events with their reasons; replay sends them through the worker again once its rules are fixed. */
export function eventErrorsResource(deps: DatabaseAndBroker, components: AdminComponents): ResourceWithOptions {
  const replay = async (records: BaseRecord[]) => `${eventCount(await replayEventErrors(deps, records.map((record) => String(record.id()))))} sent to the worker again`;
  return {
    resource: new RepositoryResource(deps.db, EventError),
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
        ...replayActions(replay, { one: 'Send this event through the worker again?', selected: 'Send the selected events through the worker again?' }),
      },
    },
  };
}
