import type { ActionResponse, BaseRecord } from 'adminjs';
import { PublishUnconfirmed } from '@argus/shared';
import type { AdminComponents } from '../components.js';
import { ReplayFailed } from '../replay.js';
import { confirmedAction, freshRecord } from './confirmed-action.js';

/**
 * A record action `replay` and a bulk action `replaySelected` that hand the records to `replay` and
 * show the message it answers, or why the broker did not take them; the record comes back fresh,
 * with its replay mark (and `outcomeParam`, which the page follows until the worker decided).
 */
export function replayActions(
  components: AdminComponents,
  replay: (records: BaseRecord[]) => Promise<string>,
  texts: { one: string; selected: string; outcomeParam?: string; goneOutcome?: string },
) {
  return {
    replay: confirmedAction(components, {
      actionType: 'record',
      icon: 'RefreshCw',
      confirm: texts.one,
      button: 'Replay',
      outcomeParam: texts.outcomeParam,
      goneOutcome: texts.goneOutcome,
      perform: async (_request, context) => ({ notice: await noticeOf(replay([context.record!])), record: await freshRecord(context) }),
    }),
    replaySelected: confirmedAction(components, {
      actionType: 'bulk',
      icon: 'RefreshCw',
      confirm: texts.selected,
      button: 'Replay them',
      perform: async (_request, context) => ({ notice: await noticeOf(replay(context.records ?? [])) }),
    }),
  };
}

/** A replay the broker did not take, or could not be asked to, is for the operator to try again later, not a server error. */
export async function noticeOf(replayed: Promise<string>): Promise<NonNullable<ActionResponse['notice']>> {
  try {
    return { message: await replayed, type: 'success' };
  } catch (error) {
    if (error instanceof ReplayFailed || error instanceof PublishUnconfirmed) return { message: error.message, type: 'error' };
    throw error;
  }
}

export const eventCount = (count: number) => `${count} event${count === 1 ? '' : 's'}`;
