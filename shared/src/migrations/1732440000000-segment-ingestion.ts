import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What Segment's calls bring: who acted (user and anonymous ids, filterable, hence indexed where
 * present), their context and integrations; and, per application, the origins whose pages may send.
 */
export class SegmentIngestion1732440000000 implements MigrationInterface {
  name = 'SegmentIngestion1732440000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE events ADD COLUMN user_id text, ADD COLUMN anonymous_id text, ADD COLUMN context jsonb, ADD COLUMN integrations jsonb`);
    await db.query(`CREATE INDEX events_application_user_timestamp_idx ON events (application_id, user_id, timestamp, id) WHERE user_id IS NOT NULL`);
    await db.query(`CREATE INDEX events_application_anonymous_timestamp_idx ON events (application_id, anonymous_id, timestamp, id) WHERE anonymous_id IS NOT NULL`);
    await db.query(`ALTER TABLE applications ADD COLUMN allowed_origins text[]`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE applications DROP COLUMN allowed_origins`);
    await db.query(`ALTER TABLE events DROP COLUMN user_id, DROP COLUMN anonymous_id, DROP COLUMN context, DROP COLUMN integrations`);
  }
}
