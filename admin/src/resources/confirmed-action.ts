import type { ActionContext, ActionRequest, ActionResponse } from 'adminjs';
import type { AdminComponents } from '../components.js';

export type ConfirmedActionOptions = {
  actionType: 'record' | 'bulk';
  icon: string;
  /** The question on the action's page: what happens on a click. */
  confirm: string;
  /** The button's words. */
  button: string;
  /** `danger` for what cannot be taken back (revoking, disabling); a replay or a start is not. */
  variant?: 'primary' | 'danger';
  /** A record param the page shows after the click, polled while the outcome is still pending (a replay's fate). */
  outcomeParam?: string;
  /** The outcome to show once the record is gone while it was pending (a replayed error that passed moves to events). */
  goneOutcome?: string;
  isAccessible?: (context: ActionContext) => boolean;
  perform: (request: ActionRequest, context: ActionContext) => Promise<ActionResponse>;
};

/**
 * An action that changes something. Its page (the ConfirmAction component) says what will happen
 * and posts on a click; a GET, such as a link or an image on another page, only shows that page.
 * AdminJS's own buttons (`component: false`) act on a GET, which any page could trigger.
 */
export function confirmedAction(components: AdminComponents, options: ConfirmedActionOptions) {
  const { perform, confirm, button, variant = 'primary', outcomeParam, goneOutcome, ...rest } = options;
  return {
    ...rest,
    component: components.ConfirmAction,
    custom: { confirm, button, variant, outcomeParam, goneOutcome },
    handler: async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
      const shown = context.record
        ? { record: context.record.toJSON(context.currentAdmin) }
        : { records: (context.records ?? []).map((record) => record.toJSON(context.currentAdmin)) };
      if (request.method !== 'post') return shown;
      return { ...shown, ...(await perform(request, context)) };
    },
  };
}

/** The record as it is after an action, for the page to show. */
export async function freshRecord(context: ActionContext) {
  const record = context.record!;
  // findOne throws for a record that is gone: RepositoryResource's 404
  return (await context.resource.findOne(String(record.id()), context))!.toJSON(context.currentAdmin);
}
