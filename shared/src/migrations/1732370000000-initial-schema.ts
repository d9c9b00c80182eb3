import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1732370000000 implements MigrationInterface {
  name = 'InitialSchema1732370000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE applications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE,
        email text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE api_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        application_id uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
        scopes text[] NOT NULL DEFAULT '{write}',
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        revoked_at timestamptz
      )`);
    await db.query(`CREATE INDEX api_tokens_application_idx ON api_tokens (application_id)`);
    await db.query(`CREATE INDEX api_tokens_revoked_idx ON api_tokens (revoked_at) WHERE revoked_at IS NOT NULL`);
    await db.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY,
        application_id uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
        first_seen_at timestamptz NOT NULL,
        CONSTRAINT sessions_id_application_key UNIQUE (id, application_id)
      )`);
    await db.query(`
      CREATE TABLE events (
        id uuid PRIMARY KEY,
        application_id uuid NOT NULL,
        session_id uuid NOT NULL,
        category text NOT NULL,
        name text NOT NULL,
        data jsonb NOT NULL,
        timestamp timestamptz NOT NULL,
        client_timestamp timestamptz NOT NULL,
        sent_at timestamptz,
        received_at timestamptz NOT NULL,
        stored_at timestamptz NOT NULL DEFAULT now(),
        request_id text NOT NULL,
        CONSTRAINT events_session_application_fkey FOREIGN KEY (session_id, application_id)
          REFERENCES sessions (id, application_id) ON DELETE CASCADE
      )`);
    await db.query(`CREATE INDEX events_session_timestamp_idx ON events (session_id, timestamp, id)`);
    await db.query(`CREATE INDEX events_application_timestamp_idx ON events (application_id, timestamp, id)`);
    await db.query(`CREATE INDEX events_application_kind_timestamp_idx ON events (application_id, category, name, timestamp, id)`);
    await db.query(`CREATE INDEX events_timestamp_idx ON events (timestamp, id)`);
    await db.query(`
      CREATE TABLE event_errors (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        event_id uuid NOT NULL,
        application_id uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
        raw jsonb NOT NULL,
        reasons jsonb NOT NULL,
        received_at timestamptz NOT NULL,
        stored_at timestamptz NOT NULL DEFAULT now(),
        request_id text NOT NULL,
        CONSTRAINT event_errors_application_event_key UNIQUE (application_id, event_id)
      )`);
    await db.query(`CREATE INDEX event_errors_received_idx ON event_errors (received_at, id)`);
    await db.query(`CREATE INDEX event_errors_application_received_idx ON event_errors (application_id, received_at, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE event_errors');
    await db.query('DROP TABLE events');
    await db.query('DROP TABLE sessions');
    await db.query('DROP TABLE api_tokens');
    await db.query('DROP TABLE applications');
  }
}
