import { randomUUID } from 'node:crypto';
import type { ConfirmChannel } from 'amqplib';
import type { DataSource } from 'typeorm';
import { Destination } from '../entities/destination.js';
import type { Topology } from '../topology.js';
import type { DestinationFilter } from './filter.js';
import { generateSigningSecret } from './signing-secret.js';
import { assertDestinationQueue, destinationQueueName } from './topology.js';

/** `state`: running unless told; a destination created stopped collects its events until started. */
export type DestinationInput = { name: string; url: string; filter: DestinationFilter; state?: 'running' | 'stopped' };

/** The filter names an application that does not exist. */
export class UnknownFilterApplication extends Error {
  override name = 'UnknownFilterApplication';
}

export const destinationFilterOf = (destination: Pick<Destination, 'filterApplicationId' | 'filterCategory' | 'filterName'>): DestinationFilter => ({
  applicationId: destination.filterApplicationId,
  category: destination.filterCategory,
  name: destination.filterName,
});

export const findDestination = (db: DataSource, id: string): Promise<Destination | null> => db.getRepository(Destination).findOneBy({ id });

/**
 * Creates a running destination. Its queue and bindings exist before this returns, so it receives
 * every event stored from now on, and none from before (that is what replay is for). The secret
 * is returned here once; nothing reads it back but the worker.
 */
export async function createDestination(
  db: DataSource,
  channel: ConfirmChannel,
  topology: Topology,
  input: DestinationInput,
): Promise<{ destination: Destination; signingSecret: string }> {
  if (input.filter.applicationId !== null) {
    const found: unknown[] = await db.query('SELECT 1 FROM applications WHERE id = $1', [input.filter.applicationId]);
    if (found.length === 0) throw new UnknownFilterApplication(`no application ${input.filter.applicationId}`);
  }
  const id = randomUUID();
  const signingSecret = generateSigningSecret();
  await assertDestinationQueue(channel, topology, { id, filter: input.filter });
  try {
    await db.getRepository(Destination).insert({
      id,
      name: input.name,
      url: input.url,
      filterApplicationId: input.filter.applicationId,
      filterCategory: input.filter.category,
      filterName: input.filter.name,
      signingSecret,
      state: input.state ?? 'running',
    });
  } catch (error) {
    // no row: nothing would ever consume the queue, which would keep every event
    await channel.deleteQueue(destinationQueueName(topology, id)).catch(() => {});
    throw error;
  }
  return { destination: (await findDestination(db, id))!, signingSecret };
}

/**
 * Running again, from where it stopped: the queue kept what arrived meanwhile. The queue is
 * asserted first in case it was lost. A paused destination starts with a clean breaker.
 */
export async function startDestination(db: DataSource, channel: ConfirmChannel, topology: Topology, id: string): Promise<Destination | null> {
  const destination = await findDestination(db, id);
  if (!destination) return null;
  await assertDestinationQueue(channel, topology, { id, filter: destinationFilterOf(destination) });
  await db.getRepository(Destination).update({ id }, { state: 'running', pausedReason: null, failingSince: null });
  return findDestination(db, id);
}

/** Workers cancel its consumer within their refresh interval; its queue keeps collecting events. */
export async function stopDestination(db: DataSource, id: string): Promise<Destination | null> {
  await db.getRepository(Destination).update({ id }, { state: 'stopped' });
  return findDestination(db, id);
}

export type DestinationBacklog = {
  queueDepth: number | null;
  heldSessions: number;
  heldEvents: number;
  deadLetters: number;
  /** When the oldest event still to be delivered was received: one the worker holds, or one held in a session's backlog. */
  oldestWaitingAt: Date | null;
};

/** What is still to be delivered, and what never will be. The queue depth needs the broker (null without it). */
export async function destinationBacklog(db: DataSource, destination: Pick<Destination, 'id' | 'oldestWaitingAt'>, queueDepth: () => Promise<number>): Promise<DestinationBacklog> {
  const [[held], [dead]]: [{ sessions: number; events: number; oldest: Date | null }[], { count: number }[]] = await Promise.all([
    db.query(
      `SELECT count(DISTINCT session_id)::int AS sessions, count(*)::int AS events, min((event->>'received_at')::timestamptz) AS oldest
       FROM delivery_backlog WHERE destination_id = $1`,
      [destination.id],
    ),
    db.query('SELECT count(*)::int AS count FROM destination_dead_letters WHERE destination_id = $1', [destination.id]),
  ]);
  const depth = await queueDepth().catch(() => null);
  const oldest = [held?.oldest ?? null, destination.oldestWaitingAt].filter((date): date is Date => date !== null);
  return {
    queueDepth: depth,
    heldSessions: held?.sessions ?? 0,
    heldEvents: held?.events ?? 0,
    deadLetters: dead?.count ?? 0,
    oldestWaitingAt: oldest.length === 0 ? null : new Date(Math.min(...oldest.map((date) => date.getTime()))),
  };
}

export type DeliveringWorker = { id: string; host: string; pid: number; seenAt: Date };

/** The worker delivering the destination, as it last recorded itself; null when none has, or it has stopped since. */
export async function deliveringWorker(db: DataSource, destination: Pick<Destination, 'deliveringWorkerId'>): Promise<DeliveringWorker | null> {
  if (!destination.deliveringWorkerId) return null;
  const [row]: { id: string; host: string; pid: number; seen_at: Date }[] = await db.query('SELECT id, host, pid, seen_at FROM delivery_workers WHERE id = $1', [
    destination.deliveringWorkerId,
  ]);
  return row ? { id: row.id, host: row.host, pid: row.pid, seenAt: row.seen_at } : null;
}

export type RecentAttempt = { at: Date; eventId: string; status: number | null; durationMs: number; answer: string | null };

/** The destination's latest delivery attempts, newest first (the worker keeps a bounded number). */
export async function recentAttempts(db: DataSource, id: string, limit = 50): Promise<RecentAttempt[]> {
  const rows: { at: Date; event_id: string; status: number | null; duration_ms: number; answer: string | null }[] = await db.query(
    `SELECT attempted_at AS at, event_id, status, duration_ms, answer FROM delivery_attempts
     WHERE destination_id = $1 ORDER BY id DESC LIMIT $2`,
    [id, limit],
  );
  return rows.map((row) => ({ at: row.at, eventId: row.event_id, status: row.status, durationMs: row.duration_ms, answer: row.answer }));
}
