import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What the admin panel needs: operators, their login sessions, replay marks, and an index for "received lately". */
export class AdminPanel1732380000000 implements MigrationInterface {
  name = 'AdminPanel1732380000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE operators (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL UNIQUE,
        password_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_login_at timestamptz
      )`);
    // the schema connect-pg-simple expects, under a name that cannot be confused with visits (`sessions`)
    await db.query(`
      CREATE TABLE admin_sessions (
        sid varchar NOT NULL PRIMARY KEY,
        sess json NOT NULL,
        expire timestamp(6) NOT NULL
      )`);
    await db.query(`CREATE INDEX admin_sessions_expire_idx ON admin_sessions (expire)`);
    await db.query(`ALTER TABLE event_errors ADD COLUMN replayed_at timestamptz`);
    // the dashboard counts what arrived in the last hour and day
    await db.query(`CREATE INDEX events_received_idx ON events (received_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX events_received_idx');
    await db.query('ALTER TABLE event_errors DROP COLUMN replayed_at');
    await db.query('DROP TABLE admin_sessions');
    await db.query('DROP TABLE operators');
  }
}
