import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each destination's latest delivery attempts, and what its workers see of its receiver: down
 * since when, the next probe, and the oldest event they hold undelivered.
 */
export class DeliveryAttempts1732427000000 implements MigrationInterface {
  name = 'DeliveryAttempts1732427000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE delivery_attempts (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        destination_id uuid NOT NULL REFERENCES destinations (id) ON DELETE CASCADE,
        attempted_at timestamptz NOT NULL,
        event_id uuid NOT NULL,
        status integer,
        duration_ms integer NOT NULL,
        answer text
      )`);
    await db.query('CREATE INDEX delivery_attempts_destination_idx ON delivery_attempts (destination_id, id)');
    await db.query(`
      ALTER TABLE destinations
        ADD COLUMN receiver_down_since timestamptz,
        ADD COLUMN next_probe_at timestamptz,
        ADD COLUMN oldest_waiting_at timestamptz`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE destinations DROP COLUMN receiver_down_since, DROP COLUMN next_probe_at, DROP COLUMN oldest_waiting_at');
    await db.query('DROP TABLE delivery_attempts');
  }
}
