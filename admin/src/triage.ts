import type { DataSource } from 'typeorm';
import { z } from 'zod';
import type { DatabaseAndBroker } from './broker.js';
import { replayEventErrors } from './replay.js';

/** Invalid events of the last week sharing an application, a kind and one reason. */
export const errorGroup = z.object({
  applicationId: z.uuid(),
  category: z.string().nullable(),
  name: z.string().nullable(),
  path: z.string(),
  message: z.string(),
});
export type ErrorGroup = z.infer<typeof errorGroup>;

export type ErrorGroupSummary = ErrorGroup & {
  application: string;
  count: number;
  lastSeen: Date;
  /** Replayed, the worker has not decided yet. */
  waiting: number;
  /** Replayed, and refused again: the rules still refuse them. */
  failedAgain: number;
};

const lastWeek = `x.received_at > now() - interval '7 days'`;
const reasonsOf = `jsonb_array_elements(CASE WHEN jsonb_typeof(x.reasons) = 'array' THEN x.reasons ELSE '[]' END) AS r(problem)`;
const inGroup = `x.application_id = $1 AND (x.raw->>'category') IS NOT DISTINCT FROM $2 AND (x.raw->>'name') IS NOT DISTINCT FROM $3
  AND x.reasons @> jsonb_build_array(jsonb_build_object('path', $4::text, 'message', $5::text))`;
const groupParameters = (group: ErrorGroup) => [group.applicationId, group.category, group.name, group.path, group.message];

/** The top reasons, most frequent first: what to fix first. An event with two problems counts in both groups. */
export async function errorGroups(db: DataSource, limit = 50): Promise<ErrorGroupSummary[]> {
  return db.query(
    `SELECT x.application_id AS "applicationId", a.name AS application, x.raw->>'category' AS category, x.raw->>'name' AS name,
            r.problem->>'path' AS path, r.problem->>'message' AS message, count(*)::int AS count, max(x.received_at) AS "lastSeen",
            count(*) FILTER (WHERE x.replayed_at IS NOT NULL)::int AS waiting,
            count(*) FILTER (WHERE x.replayed_at IS NULL AND x.replay_requested_at IS NOT NULL)::int AS "failedAgain"
     FROM event_errors x JOIN applications a ON a.id = x.application_id CROSS JOIN LATERAL ${reasonsOf}
     WHERE ${lastWeek}
     GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY count DESC, "lastSeen" DESC LIMIT $1`,
    [limit],
  );
}

/** The events behind a group, newest first, for their pages. */
export async function groupEvents(db: DataSource, group: ErrorGroup, limit = 100): Promise<{ id: string; eventId: string; receivedAt: Date }[]> {
  return db.query(
    `SELECT x.id::text AS id, x.event_id AS "eventId", x.received_at AS "receivedAt" FROM event_errors x
     WHERE ${lastWeek} AND ${inGroup} ORDER BY x.received_at DESC LIMIT ${limit}`,
    groupParameters(group),
  );
}

/** Once the rule is fixed: the group's events not already on their way through the worker, sent again (up to 1000 at a time). */
export async function replayGroup(deps: DatabaseAndBroker, group: ErrorGroup): Promise<number> {
  const rows: { id: string }[] = await deps.db.query(
    `SELECT x.id::text AS id FROM event_errors x WHERE ${lastWeek} AND ${inGroup} AND x.replayed_at IS NULL ORDER BY x.received_at LIMIT 1000`,
    groupParameters(group),
  );
  return rows.length === 0 ? 0 : replayEventErrors(deps, rows.map((row) => row.id));
}
