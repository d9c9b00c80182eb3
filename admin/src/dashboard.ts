import { Destination, destinationBacklog, destinationQueueName } from '@argus/shared';
import { z } from 'zod';
import { messagesIn, queueFigures, type DatabaseAndBroker } from './broker.js';

/** The windows the dashboard's chart offers, each cut into buckets the chart can show side by side. */
export const dashboardWindows = {
  '1h': { bucketSeconds: 60, buckets: 60 },
  '24h': { bucketSeconds: 15 * 60, buckets: 96 },
  '7d': { bucketSeconds: 2 * 60 * 60, buckets: 84 },
} as const;
export type DashboardWindow = keyof typeof dashboardWindows;

export const dashboardQuery = z.object({
  window: z.enum(Object.keys(dashboardWindows) as [DashboardWindow, ...DashboardWindow[]]).catch('1h'),
  applicationId: z.uuid().nullable().catch(null),
});
export type DashboardQuery = z.infer<typeof dashboardQuery>;

export type Bucket = { at: string; received: number; invalid: number };
export type DestinationHealth = { id: string; name: string; state: string; queueDepth: number | null; heldEvents: number; deadLetters: number; lastFailureAt: Date | null };

export type DashboardStats = {
  window: DashboardWindow;
  bucketSeconds: number;
  applicationId: string | null;
  /** Events stored and refused per bucket, oldest first, empty buckets included. */
  series: Bucket[];
  received: number;
  invalid: number;
  /** Share of the window's arrivals that failed validation, 0..1 (null when nothing arrived). */
  invalidRate: number | null;
  ingest: {
    /** Messages waiting in the ingest queue, or null when the broker cannot be asked. */
    queueDepth: number | null;
    consumers: number | null;
    deadLetterDepth: number | null;
    /** The longest time from the api's receipt to the worker's commit over the last five minutes, in seconds. */
    lagSeconds: number | null;
  };
  destinations: DestinationHealth[];
};

/** Where the window starts: bucket-aligned, so that the last bucket holds now. */
export function windowStart(now: Date, window: DashboardWindow): Date {
  const { bucketSeconds, buckets } = dashboardWindows[window];
  const bucketMs = bucketSeconds * 1000;
  return new Date((Math.floor(now.getTime() / bucketMs) + 1 - buckets) * bucketMs);
}

/** Counts per bucket as the chart needs them: every bucket of the window, zero where nothing arrived. */
export function fillBuckets(start: Date, window: DashboardWindow, received: CountRow[], invalid: CountRow[]): Bucket[] {
  const { bucketSeconds, buckets } = dashboardWindows[window];
  const countsOf = (rows: CountRow[]) => new Map(rows.map((row) => [new Date(row.bucket).getTime(), row.count]));
  const [stored, refused] = [countsOf(received), countsOf(invalid)];
  return Array.from({ length: buckets }, (_, i) => {
    const at = start.getTime() + i * bucketSeconds * 1000;
    return { at: new Date(at).toISOString(), received: stored.get(at) ?? 0, invalid: refused.get(at) ?? 0 };
  });
}

type CountRow = { bucket: Date | string; count: number };

/** Every figure reads an index on received_at over the window (at most a week), never the whole table. */
export async function dashboardStats(deps: DatabaseAndBroker, query: DashboardQuery, now = new Date()): Promise<DashboardStats> {
  const { bucketSeconds } = dashboardWindows[query.window];
  const start = windowStart(now, query.window);
  const countsOf = (table: 'events' | 'event_errors'): Promise<CountRow[]> =>
    deps.db.query(
      `SELECT date_bin($1::interval, received_at, $2::timestamptz) AS bucket, count(*)::int AS count
       FROM ${table} WHERE received_at >= $2::timestamptz AND ($3::uuid IS NULL OR application_id = $3::uuid)
       GROUP BY 1`,
      [`${bucketSeconds} seconds`, start.toISOString(), query.applicationId],
    );
  const [received, invalid, [lag], destinations, ingest] = await Promise.all([
    countsOf('events'),
    countsOf('event_errors'),
    deps.db.query(`SELECT extract(epoch FROM max(stored_at - received_at))::float AS seconds FROM events WHERE received_at > now() - interval '5 minutes'`),
    destinationHealth(deps),
    queueFigures(deps.amqpUrls, [deps.topology.ingestQueue, deps.topology.deadLetterQueue]),
  ]);
  const series = fillBuckets(start, query.window, received, invalid);
  const total = (key: 'received' | 'invalid') => series.reduce((sum, bucket) => sum + bucket[key], 0);
  const [stored, refused] = [total('received'), total('invalid')];
  return {
    window: query.window,
    bucketSeconds,
    applicationId: query.applicationId,
    series,
    received: stored,
    invalid: refused,
    invalidRate: stored + refused === 0 ? null : refused / (stored + refused),
    ingest: {
      queueDepth: ingest.get(deps.topology.ingestQueue)?.messages ?? null,
      consumers: ingest.get(deps.topology.ingestQueue)?.consumers ?? null,
      deadLetterDepth: ingest.get(deps.topology.deadLetterQueue)?.messages ?? null,
      lagSeconds: lag?.seconds ?? null,
    },
    destinations,
  };
}

/** Each destination's state and backlog, as `GET /destinations/{id}` reports it (the first 50 by name). */
async function destinationHealth(deps: DatabaseAndBroker): Promise<DestinationHealth[]> {
  const destinations = await deps.db.getRepository(Destination).find({ order: { name: 'ASC' }, take: 50 });
  const depths = await queueFigures(deps.amqpUrls, destinations.map((destination) => destinationQueueName(deps.topology, destination.id)));
  return Promise.all(
    destinations.map(async (destination) => {
      const backlog = await destinationBacklog(deps.db, destination, async () => messagesIn(depths, destinationQueueName(deps.topology, destination.id)));
      const { id, name, state, lastFailureAt } = destination;
      return { id, name, state, queueDepth: backlog.queueDepth, heldEvents: backlog.heldEvents, deadLetters: backlog.deadLetters, lastFailureAt };
    }),
  );
}
