import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the operator console needs: applications an operator disabled, when a failed event was last
 * sent through the worker again (the worker clears `replayed_at` when it fails again; this stays,
 * so the panel can say so), and failed logins counted per address and per account.
 */
export class OperatorConsole1732430000000 implements MigrationInterface {
  name = 'OperatorConsole1732430000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE applications ADD COLUMN disabled_at timestamptz`);
    await db.query(`ALTER TABLE event_errors ADD COLUMN replay_requested_at timestamptz`);
    // the schema rate-limiter-flexible's PostgreSQL store expects
    await db.query(`
      CREATE TABLE admin_login_failures (
        key varchar(255) PRIMARY KEY,
        points integer NOT NULL DEFAULT 0,
        expire bigint
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE admin_login_failures');
    await db.query('ALTER TABLE event_errors DROP COLUMN replay_requested_at');
    await db.query('ALTER TABLE applications DROP COLUMN disabled_at');
  }
}
