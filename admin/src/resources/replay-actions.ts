import type { ActionContext, ActionRequest, ActionResponse, BaseRecord } from 'adminjs';

/**
 * A record action `replay` and a bulk action `replaySelected` that hand the records to `replay`
 * and show the message it answers; the record comes back fresh, with its replay mark.
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
        const message = await replay([record]);
        const refreshed = await context.resource.findOne(String(record.id()));
        return { record: (refreshed ?? record).toJSON(context.currentAdmin), notice: { message, type: 'success' } };
      },
    },
    replaySelected: {
      actionType: 'bulk',
      icon: 'RefreshCw',
      component: false,
      guard: guards.selected,
      handler: async (_request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
        const records = context.records ?? [];
        const message = await replay(records);
        return { records: records.map((record) => record.toJSON(context.currentAdmin)), notice: { message, type: 'success' } };
      },
    },
  } as const;
}

export const eventCount = (count: number) => `${count} event${count === 1 ? '' : 's'}`;
