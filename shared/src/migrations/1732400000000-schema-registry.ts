import type { MigrationInterface, QueryRunner } from 'typeorm';

/** JSON Schemas that applications declare for their own kinds of events, and which version checked each event. */
export class SchemaRegistry1732400000000 implements MigrationInterface {
  name = 'SchemaRegistry1732400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE event_schemas (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        application_id uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
        category text NOT NULL,
        name text NOT NULL,
        version int NOT NULL CHECK (version > 0),
        schema jsonb NOT NULL,
        active boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT event_schemas_kind_version_key UNIQUE (application_id, category, name, version)
      )`);
    // whatever the api, the admin panel or a hand-written UPDATE does, a kind has one active version at most
    await db.query(`CREATE UNIQUE INDEX event_schemas_one_active_idx ON event_schemas (application_id, category, name) WHERE active`);
    // nullable and without a default: PostgreSQL adds it without rewriting the table
    await db.query(`ALTER TABLE events ADD COLUMN schema_version int`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE events DROP COLUMN schema_version');
    await db.query('DROP TABLE event_schemas');
  }
}
