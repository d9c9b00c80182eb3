import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The workers that deliver to destinations, each with the time it last said it was alive (by the
 * database's clock, so that workers on skewed machines agree). Workers seen lately share the
 * running destinations between them; a row goes when its worker stops, or ages out when it dies.
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
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE delivery_workers');
  }
}
