import { DestinationDeadLetter, republishDeadLetters } from '@argus/shared';
import type { BaseRecord, ResourceWithOptions } from 'adminjs';
import { withConfirmChannel, type DatabaseAndBroker } from '../broker.js';
import type { AdminComponents } from '../components.js';
import { destinationsNavigation } from './destinations.js';
import { readableTimes } from './readable.js';
import { readOnly } from './read-only.js';
import { eventCount, replayActions } from './replay-actions.js';
import { RepositoryResource } from './repository-resource.js';

/** What destinations never accepted; replay sends them to their destination's queue again. Rows are kept, marked. */
export function deadLettersResource(deps: DatabaseAndBroker, components: AdminComponents): ResourceWithOptions {
  const replay = async (records: BaseRecord[]) => {
    const ids = records.map((record) => String(record.id()));
    const replayed = await withConfirmChannel(deps.amqpUrls, (channel) => republishDeadLetters(deps.db, channel, deps.topology, ids));
    return `${eventCount(replayed)} sent to the destination again`;
  };
  return {
    resource: new RepositoryResource(deps.db, DestinationDeadLetter),
    options: {
      id: 'destination_dead_letters',
      navigation: destinationsNavigation,
      sort: { sortBy: 'deadLetteredAt', direction: 'desc' },
      listProperties: ['id', 'destinationId', 'eventId', 'attempts', 'lastStatus', 'refusedByReceiver', 'deadLetteredAt', 'replayedAt'],
      filterProperties: ['destinationId', 'eventId', 'refusedByReceiver', 'deadLetteredAt', 'replayedAt'],
      showProperties: ['id', 'destinationId', 'eventId', 'sessionId', 'attempts', 'lastStatus', 'lastError', 'refusedByReceiver', 'event', 'deadLetteredAt', 'replayedAt'],
      properties: {
        ...readableTimes(components, ['deadLetteredAt', 'replayedAt']),
        event: { type: 'mixed', components: { show: components.JsonView } },
        destinationId: { reference: 'destinations' },
      },
      actions: {
        ...readOnly,
        ...replayActions(components, replay, { one: 'Send this event to its destination again?', selected: 'Send the selected events to their destinations again?' }),
      },
    },
  };
}
