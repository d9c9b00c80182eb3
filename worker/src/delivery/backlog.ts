import type { StoredEventMessage } from '@argus/shared';
import type { DataSource, EntityManager } from 'typeorm';
import type { FailedDelivery } from './webhook.js';

/** An event held in a session's backlog, in `seq` order. */
export type BacklogEntry = { seq: string; event: StoredEventMessage; attempts: number };

export type HeldRetry = { attempts: number; dueAt: number; failure: FailedDelivery };

/**
 * One destination's held sessions: an event that failed, and every later one of its session,
 * wait here in order until the session's retry, so that other sessions go on meanwhile; and the
 * dead letters, what was given up on.
 */
export type BacklogStore = {
  /** Sessions with held events, each with when its retry is due (ms since the epoch). */
  heldSessions(): Promise<Map<string, number>>;
  /** Behind an earlier event of its session; a redelivered message adds nothing. */
  append(event: StoredEventMessage): Promise<void>;
  /** An event that failed, the first of its session or one held already: it heads the session's backlog until its retry. */
  hold(event: StoredEventMessage, retry: HeldRetry): Promise<void>;
  page(sessionId: string, limit: number): Promise<BacklogEntry[]>;
  remove(seq: string): Promise<void>;
  /** Into the dead letters, and out of the backlog when it came from there, at once. */
  deadLetter(event: StoredEventMessage, final: { attempts: number; failure: FailedDelivery; backlogSeq?: string }): Promise<void>;
};

export function createBacklogStore(db: DataSource, destinationId: string): BacklogStore {
  return {
    async heldSessions() {
      const rows: { session_id: string; next_attempt_at: Date }[] = await db.query(
        `SELECT DISTINCT ON (session_id) session_id, next_attempt_at FROM delivery_backlog
         WHERE destination_id = $1 ORDER BY session_id, seq`,
        [destinationId],
      );
      return new Map(rows.map((row) => [row.session_id, row.next_attempt_at.getTime()]));
    },
    async append(event) {
      await db.query(
        `INSERT INTO delivery_backlog (destination_id, session_id, event_id, event, next_attempt_at)
         VALUES ($1, $2, $3, $4, now()) ON CONFLICT (destination_id, event_id) DO NOTHING`,
        [destinationId, event.session_id, event.id, JSON.stringify(event)],
      );
    },
    hold: (event, retry) => holdFailedEvent(db, destinationId, event, retry),
    page: (sessionId, limit) =>
      db.query(
        `SELECT seq::text AS seq, event, attempts FROM delivery_backlog
         WHERE destination_id = $1 AND session_id = $2 ORDER BY delivery_backlog.seq LIMIT $3`, // the column: the alias is text, and "10" sorts before "2"
        [destinationId, sessionId, limit],
      ),
    remove: (seq) => removeFromBacklog(db, seq),
    // a replayed dead letter that fails again updates its row and loses its replay mark
    deadLetter: (event, final) =>
      db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO destination_dead_letters (destination_id, event_id, session_id, event, attempts, last_status, last_error, refused_by_receiver)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (destination_id, event_id) DO UPDATE
             SET attempts = EXCLUDED.attempts, last_status = EXCLUDED.last_status, last_error = EXCLUDED.last_error,
                 refused_by_receiver = EXCLUDED.refused_by_receiver, dead_lettered_at = now(), replayed_at = NULL`,
          [destinationId, event.id, event.session_id, JSON.stringify(event), final.attempts, final.failure.status, final.failure.error, final.failure.noRetry],
        );
        if (final.backlogSeq !== undefined) await removeFromBacklog(tx, final.backlogSeq);
      }),
  };
}

export async function holdFailedEvent(db: DataSource, destinationId: string, event: StoredEventMessage, retry: HeldRetry): Promise<void> {
  await db.query(
    `INSERT INTO delivery_backlog (destination_id, session_id, event_id, event, attempts, next_attempt_at, last_status, last_error)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (destination_id, event_id) DO UPDATE
       SET attempts = EXCLUDED.attempts, next_attempt_at = EXCLUDED.next_attempt_at, last_status = EXCLUDED.last_status, last_error = EXCLUDED.last_error`,
    [destinationId, event.session_id, event.id, JSON.stringify(event), retry.attempts, new Date(retry.dueAt), retry.failure.status, retry.failure.error],
  );
}

async function removeFromBacklog(db: DataSource | EntityManager, seq: string): Promise<void> {
  await db.query('DELETE FROM delivery_backlog WHERE seq = $1', [seq]);
}
