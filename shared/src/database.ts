import 'reflect-metadata';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { ApiToken } from './entities/api-token.js';
import { Application } from './entities/application.js';
import { EventError } from './entities/event-error.js';
import { Session } from './entities/session.js';
import { StoredEvent } from './entities/stored-event.js';
import { Operator } from './entities/operator.js';
import { DeliveryBacklogEntry } from './entities/delivery-backlog.js';
import { Destination } from './entities/destination.js';
import { DestinationDeadLetter } from './entities/destination-dead-letter.js';
import { DeliveryAttempt } from './entities/delivery-attempt.js';
import { EventSchema } from './entities/event-schema.js';
import { InitialSchema1732370000000 } from './migrations/1732370000000-initial-schema.js';
import { AdminPanel1732380000000 } from './migrations/1732380000000-admin-panel.js';
import { EventsDataIndex1732390000000 } from './migrations/1732390000000-events-data-index.js';
import { SchemaRegistry1732400000000 } from './migrations/1732400000000-schema-registry.js';
import { Destinations1732410000000 } from './migrations/1732410000000-destinations.js';
import { SchemaSuspension1732415000000 } from './migrations/1732415000000-schema-suspension.js';
import { DeliveryAttempts1732427000000 } from './migrations/1732427000000-delivery-attempts.js';
import { OperatorConsole1732430000000 } from './migrations/1732430000000-operator-console.js';
import { SegmentIngestion1732440000000 } from './migrations/1732440000000-segment-ingestion.js';
import { DeliveryWorkers1732450000000 } from './migrations/1732450000000-delivery-workers.js';

export const entities = [Application, ApiToken, Session, StoredEvent, EventError, Operator, EventSchema, Destination, DeliveryBacklogEntry, DestinationDeadLetter, DeliveryAttempt];
export const migrations = [
  InitialSchema1732370000000,
  AdminPanel1732380000000,
  EventsDataIndex1732390000000,
  SchemaRegistry1732400000000,
  Destinations1732410000000,
  SchemaSuspension1732415000000,
  DeliveryAttempts1732427000000,
  OperatorConsole1732430000000,
  SegmentIngestion1732440000000,
  DeliveryWorkers1732450000000,
];

export function createDataSource(options: { url: string; poolSize?: number; applicationName?: string }): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities,
    migrations,
    migrationsTransactionMode: 'each',
    extra: { max: options.poolSize ?? 10, application_name: options.applicationName ?? 'argus' },
  });
}

/** Creates the database named in `url` when it does not exist yet (a fresh machine has none). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new pg.Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } catch (error) {
    // another process created it between our check and our CREATE
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await client.end();
  }
}

/** Opens a connection to `url` (creating the database if needed) and applies pending migrations. */
export async function migrate(url: string): Promise<string[]> {
  await ensureDatabase(url);
  const dataSource = createDataSource({ url, poolSize: 1, applicationName: 'argus-migrate' });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations();
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}
