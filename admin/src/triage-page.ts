import type { ActionRequest } from 'adminjs';
import type { DatabaseAndBroker } from './broker.js';
import { eventCount, noticeOf } from './resources/replay-actions.js';
import { errorGroup, errorGroups, groupEvents, replayGroup } from './triage.js';

/**
 * The error triage page: a GET lists the groups; a POST asks for a group's events (`do=events`) or
 * replays the group (`do=replay`). A group that is not well formed is answered with an error notice.
 */
export function triagePage(deps: DatabaseAndBroker) {
  return async (request: ActionRequest) => {
    if (request.method !== 'post') return { groups: await errorGroups(deps.db) };
    const payload = request.payload ?? {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(payload.group ?? ''));
    } catch {
      parsed = undefined;
    }
    const group = errorGroup.safeParse(parsed);
    if (!group.success) return { notice: { type: 'error', message: 'name a group: its application, category, name, path and message' } };
    if (payload.do === 'events') return { events: await groupEvents(deps.db, group.data) };
    const notice = await noticeOf(replayGroup(deps, group.data).then((count) => `${eventCount(count)} of this group sent to the worker again`));
    return { notice };
  };
}
