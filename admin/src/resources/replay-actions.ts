import type { ActionContext, ActionRequest, ActionResponse, BaseRecord } from 'adminjs';
import { PublishUnconfirmed } from '@argus/shared';
import { ReplayFailed } from '../replay.js';

/**
 * A record action `replay` and a bulk action `replaySelected` that hand the records to `replay`
 * and show the message it answers, or why the broker did not take them; the record comes back fresh, with its replay mark.
 */
export function replayActions(replay: (records: BaseRecord[]) => Promise<string>, guards: { one: string; selected: string }) {
  return {
    replay: {
      actionType: 'record',
      icon: 'RefreshCw',
      component: false,
      guard: guards.one,
      handler: async (_request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
        const record = context.record!;
        const notice = await noticeOf(replay([record]));
        const refreshed = await context.resource.findOne(String(record.id()));
        return { record: (refreshed ?? record).toJSON(context.currentAdmin), notice };
      },
    },
    replaySelected: {
      actionType: 'bulk',
      icon: 'RefreshCw',
      component: false,
      guard: guards.selected,
      handler: async (_request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
        const records = context.records ?? [];
        const notice = await noticeOf(replay(records));
        return { records: records.map((record) => record.toJSON(context.currentAdmin)), notice };
      },
    },
  } as const;
}

/** A replay the broker did not take, or could not be asked to, is for the operator to try again later, not a server error. */
async function noticeOf(replayed: Promise<string>): Promise<NonNullable<ActionResponse['notice']>> {
  try {
    return { message: await replayed, type: 'success' };
  } catch (error) {
    if (error instanceof ReplayFailed || error instanceof PublishUnconfirmed) return { message: error.message, type: 'error' };
    throw error;
  }
}

export const eventCount = (count: number) => `${count} event${count === 1 ? '' : 's'}`;
