import type { DataSource } from 'typeorm';

export type WorkerIdentity = { id: string; host: string; pid: number };

/** Where delivering workers say they are alive, and learn who else is. */
export type WorkerRegistry = {
  /** Records that this worker is alive now; writes its row again if it was removed meanwhile. */
  heartbeat(self: WorkerIdentity): Promise<void>;
  /** The workers seen within the last `ttlMs`. */
  live(ttlMs: number): Promise<string[]>;
  remove(id: string): Promise<void>;
};

/** Rows of workers unseen for this many TTLs are deleted: a killed worker's row is of no use after that. */
const forgetAfterTtls = 20;

/**
 * The `delivery_workers` table. Times are the database's (`now()`), so workers whose clocks
 * disagree still agree on who is alive.
 */
export function createPgWorkerRegistry(db: Pick<DataSource, 'query'>, ttlMs: number): WorkerRegistry {
  return {
    async heartbeat(self) {
      await db.query(
        `INSERT INTO delivery_workers (id, host, pid) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET seen_at = now()`,
        [self.id, self.host, self.pid],
      );
      await db.query(`DELETE FROM delivery_workers WHERE seen_at < now() - make_interval(secs => $1)`, [(forgetAfterTtls * ttlMs) / 1000]);
    },
    async live(liveTtlMs) {
      const rows: { id: string }[] = await db.query(`SELECT id FROM delivery_workers WHERE seen_at > now() - make_interval(secs => $1)`, [liveTtlMs / 1000]);
      return rows.map((row) => row.id);
    },
    async remove(id) {
      await db.query('DELETE FROM delivery_workers WHERE id = $1', [id]);
    },
  };
}
