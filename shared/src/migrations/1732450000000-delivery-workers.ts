import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The workers that deliver to destinations, each with the time it last said it was alive (by the
 * database's clock, so that workers on skewed machines agree). Workers seen lately share the
 * running destinations between them; a row goes when its worker stops, or ages out when it dies.
 * Each destination records the worker that delivers it, for operators (not a foreign key: the
 * worker's row goes while the destination keeps its last deliverer's id).
 */
export class DeliveryWorkers1732450000000 implements MigrationInterface {
  name = 'DeliveryWorkers1732450000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE delivery_workers (
        id uuid PRIMARY KEY,
        host text NOT NULL,
        pid integer NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        seen_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('ALTER TABLE destinations ADD COLUMN delivering_worker_id uuid');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE destinations DROP COLUMN delivering_worker_id');
    await db.query('DROP TABLE delivery_workers');
  }
}
