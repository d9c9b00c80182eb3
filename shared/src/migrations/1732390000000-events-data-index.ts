import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Lets `data.<field>=<value>` filters (jsonb containment, `data @> …`) use an index. */
export class EventsDataIndex1732390000000 implements MigrationInterface {
  name = 'EventsDataIndex1732390000000';
  // CONCURRENTLY, which cannot run in a transaction: workers keep storing while the index builds
  transaction = false;

  async up(db: QueryRunner): Promise<void> {
    // jsonb_path_ops: smaller and faster than the default opclass, and @> is the only operator we use
    await db.query(`CREATE INDEX CONCURRENTLY events_data_idx ON events USING gin (data jsonb_path_ops)`);
    await db.query(`CREATE INDEX CONCURRENTLY event_errors_raw_idx ON event_errors USING gin (raw jsonb_path_ops)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX CONCURRENTLY event_errors_raw_idx');
    await db.query('DROP INDEX CONCURRENTLY events_data_idx');
  }
}
