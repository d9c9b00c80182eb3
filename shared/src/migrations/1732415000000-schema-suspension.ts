import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A schema version whose checks ran over their budget is suspended: when, and why, for operators and every worker. */
export class SchemaSuspension1732415000000 implements MigrationInterface {
  name = 'SchemaSuspension1732415000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE event_schemas ADD COLUMN suspended_at timestamptz, ADD COLUMN suspended_reason text`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE event_schemas DROP COLUMN suspended_at, DROP COLUMN suspended_reason`);
  }
}
