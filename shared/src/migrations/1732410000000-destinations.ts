import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Webhook destinations, the per-session backlog that keeps their order, and their dead letters. */
export class Destinations1732410000000 implements MigrationInterface {
  name = 'Destinations1732410000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE destinations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        url text NOT NULL,
        filter_application_id uuid REFERENCES applications (id) ON DELETE CASCADE,
        filter_category text,
        filter_name text,
        signing_secret text NOT NULL,
        state text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'stopped', 'paused')),
        paused_reason text,
        failing_since timestamptz,
        delivered_count bigint NOT NULL DEFAULT 0,
        failed_attempt_count bigint NOT NULL DEFAULT 0,
        dead_letter_count bigint NOT NULL DEFAULT 0,
        last_success_at timestamptz,
        last_failure_at timestamptz,
        last_failure_status integer,
        last_failure_error text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE delivery_backlog (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        destination_id uuid NOT NULL REFERENCES destinations (id) ON DELETE CASCADE,
        session_id uuid NOT NULL,
        event_id uuid NOT NULL,
        event jsonb NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        last_status integer,
        last_error text,
        -- a redelivered message appends nothing twice
        UNIQUE (destination_id, event_id)
      )`);
    await db.query(`CREATE INDEX delivery_backlog_session_idx ON delivery_backlog (destination_id, session_id, seq)`);
    await db.query(`
      CREATE TABLE destination_dead_letters (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        destination_id uuid NOT NULL REFERENCES destinations (id) ON DELETE CASCADE,
        event_id uuid NOT NULL,
        session_id uuid NOT NULL,
        event jsonb NOT NULL,
        attempts integer NOT NULL,
        last_status integer,
        last_error text,
        refused_by_receiver boolean NOT NULL DEFAULT false,
        dead_lettered_at timestamptz NOT NULL DEFAULT now(),
        replayed_at timestamptz,
        -- a replayed dead letter that fails again updates its row: one row per event and destination
        UNIQUE (destination_id, event_id)
      )`);
    await db.query(`CREATE INDEX destination_dead_letters_time_idx ON destination_dead_letters (destination_id, dead_lettered_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE destination_dead_letters');
    await db.query('DROP TABLE delivery_backlog');
    await db.query('DROP TABLE destinations');
  }
}
