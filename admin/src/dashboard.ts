import { withConfirmChannel, type DatabaseAndBroker } from './broker.js';

export type DashboardStats = {
  eventsLastHour: number;
  eventsLastDay: number;
  errorsLastDay: number;
  /** Share of the last day's arrivals that failed validation, 0..1 (null when nothing arrived). */
  invalidRate: number | null;
  /** Events received in each minute of the last hour, oldest first, empty minutes included. */
  perMinute: { minute: string; count: number }[];
  /** Messages waiting in the ingest queue, or null when the broker cannot be asked. */
  queueDepth: number | null;
  /** Messages in the dead-letter queue (not envelopes, refused by the database, or delivered too often), or null likewise. */
  deadLetterDepth: number | null;
};

/** Every figure reads an index on received_at over at most a day, never the whole table. */
export async function dashboardStats(deps: DatabaseAndBroker): Promise<DashboardStats> {
  const [[counts], perMinute, depths] = await Promise.all([
    deps.db.query(`
      SELECT (SELECT count(*) FROM events WHERE received_at > now() - interval '1 hour')::int AS "eventsLastHour",
             (SELECT count(*) FROM events WHERE received_at > now() - interval '1 day')::int AS "eventsLastDay",
             (SELECT count(*) FROM event_errors WHERE received_at > now() - interval '1 day')::int AS "errorsLastDay"`),
    deps.db.query(`
      SELECT to_char(minute, 'HH24:MI') AS minute, count(e.received_at)::int AS count
      FROM generate_series(date_trunc('minute', now()) - interval '59 minutes', date_trunc('minute', now()), interval '1 minute') AS minute
      LEFT JOIN events e ON e.received_at >= minute AND e.received_at < minute + interval '1 minute'
      GROUP BY minute ORDER BY minute`),
    queueDepths(deps),
  ]);
  const arrived = counts.eventsLastDay + counts.errorsLastDay;
  return { ...counts, invalidRate: arrived === 0 ? null : counts.errorsLastDay / arrived, perMinute, ...depths };
}

/** Both queues asked on one channel: a page load costs one broker connection, not one per figure. */
async function queueDepths(deps: DatabaseAndBroker): Promise<Pick<DashboardStats, 'queueDepth' | 'deadLetterDepth'>> {
  try {
    return await withConfirmChannel(deps.amqpUrl, async (channel) => ({
      queueDepth: (await channel.checkQueue(deps.topology.ingestQueue)).messageCount,
      deadLetterDepth: (await channel.checkQueue(deps.topology.deadLetterQueue)).messageCount,
    }));
  } catch {
    return { queueDepth: null, deadLetterDepth: null };
  }
}
