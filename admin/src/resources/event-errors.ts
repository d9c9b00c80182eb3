import { EventError } from '@argus/shared';
import type { BaseRecord, ResourceWithOptions } from 'adminjs';
import type { DataSource } from 'typeorm';
import type { DatabaseAndBroker } from '../broker.js';
import type { AdminComponents } from '../components.js';
import { replayEventErrors } from '../replay.js';
import { replayOutcome, replayStored } from '../replay-outcome.js';
import { applicationReference, readableTimes } from './readable.js';
import { readOnly } from './read-only.js';
import { eventCount, replayActions } from './replay-actions.js';
import { RepositoryResource } from './repository-resource.js';

type ErrorFacts = { key: string; category: string | null; name: string | null; replayed_at: Date | null; replay_requested_at: Date | null };

/** Invalid events with the kind they claimed (from the raw event) and what became of their last replay. */
class EventErrorsResource extends RepositoryResource {
  constructor(db: DataSource) {
    super(db, EventError);
  }

  protected override async complete(records: BaseRecord[]): Promise<BaseRecord[]> {
    await super.complete(records);
    if (records.length === 0) return records;
    const facts: ErrorFacts[] = await this.db.query(
      `SELECT e.id::text AS key, e.raw->>'category' AS category, e.raw->>'name' AS name, e.replayed_at, e.replay_requested_at
       FROM event_errors e WHERE e.id = ANY($1::bigint[])`,
      [records.map((record) => String(record.id()))],
    );
    const byKey = new Map(facts.map((fact) => [fact.key, fact]));
    for (const record of records) {
      const fact = byKey.get(String(record.id()));
      if (!fact) continue;
      record.params.category = fact.category;
      record.params.name = fact.name;
      record.params.replayOutcome = replayOutcome({ replayRequestedAt: fact.replay_requested_at, replayedAt: fact.replayed_at });
    }
    return records;
  }
}

/** Invalid events with their reasons; replay sends them through the worker again once its rules are fixed. */
export function eventErrorsResource(deps: DatabaseAndBroker, components: AdminComponents): ResourceWithOptions {
  const replay = async (records: BaseRecord[]) => `${eventCount(await replayEventErrors(deps, records.map((record) => String(record.id()))))} sent to the worker again`;
  const derived = { type: 'string', isSortable: false, isVisible: { list: true, show: true, filter: false, edit: false } } as const;
  return {
    resource: new EventErrorsResource(deps.db),
    options: {
      id: 'event_errors',
      navigation: { name: 'Traffic', icon: 'Activity' },
      sort: { sortBy: 'receivedAt', direction: 'desc' },
      listProperties: ['id', 'receivedAt', 'applicationId', 'category', 'name', 'reasons', 'replayOutcome'],
      filterProperties: ['applicationId', 'eventId', 'receivedAt', 'replayedAt'],
      showProperties: ['id', 'eventId', 'applicationId', 'category', 'name', 'reasons', 'replayOutcome', 'raw', 'receivedAt', 'storedAt', 'requestId', 'replayRequestedAt', 'replayedAt'],
      properties: {
        ...readableTimes(components, ['receivedAt', 'storedAt', 'replayedAt', 'replayRequestedAt']),
        applicationId: applicationReference,
        raw: { type: 'mixed', components: { show: components.JsonView } },
        reasons: { type: 'mixed', components: { show: components.Reasons, list: components.Reasons } },
        category: { ...derived, position: 40 },
        name: { ...derived, position: 41 },
        replayOutcome: derived,
      },
      actions: {
        ...readOnly,
        ...replayActions(components, replay, {
          one: 'Send this event through the worker again? If the rules now accept it, it moves to Events; if not, its reasons are replaced by the new ones.',
          selected: 'Send the selected events through the worker again?',
          outcomeParam: 'replayOutcome',
          goneOutcome: replayStored,
        }),
      },
    },
  };
}
