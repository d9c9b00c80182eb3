import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import amqp from 'amqplib';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, migrate } from '../database.js';
import { createLogger } from '../logger.js';
import { deleteDeliveryQueues } from '../destinations/topology.js';
import { deleteTopology, topologyFor, type Topology } from '../topology.js';

/** The local services every integration test runs against (CI has the same). */
export const testServices = {
  postgres: process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  amqp: process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
};

export const testSecret = 'test-secret-that-is-long-enough-for-hs256-0123456789';
export const silentLog = createLogger({ name: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

const uniqueName = (kind: string) => `argus_test_${kind}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;

export type TestDatabase = { url: string; db: DataSource; drop(): Promise<void> };

/** A fresh, migrated database of its own, dropped afterwards. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const url = new URL(testServices.postgres);
  url.pathname = `/${uniqueName('db')}`;
  await migrate(url.toString());
  const db = createDataSource({ url: url.toString(), poolSize: 4, applicationName: 'argus-test' });
  await db.initialize();
  return {
    url: url.toString(),
    db,
    async drop() {
      await db.destroy();
      const admin = new pg.Client({ connectionString: testServices.postgres });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(url.pathname.slice(1))} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}

export type TestBroker = {
  url: string;
  prefix: string;
  topology: Topology;
  /** Deletes every queue and exchange of the prefix; destination queues are named by id, so they are passed in. */
  drop(destinationIds?: readonly string[]): Promise<void>;
};

/** Retry levels a test may have used (DELIVERY_MAX_ATTEMPTS - 1 of them); deleting an absent queue is harmless. */
const testRetryLevels = 16;

/** Queue and exchange names of its own on the local broker, deleted afterwards. */
export function createTestBroker(): TestBroker {
  const prefix = uniqueName('mq').replaceAll('_', '-');
  const topology = topologyFor({ AMQP_PREFIX: prefix, AMQP_DELIVERY_LIMIT: 10 });
  return {
    url: testServices.amqp,
    prefix,
    topology,
    async drop(destinationIds = []) {
      const connection = await amqp.connect(testServices.amqp);
      try {
        const channel = await connection.createChannel();
        await deleteDeliveryQueues(channel, topology, destinationIds, testRetryLevels);
        await deleteTopology(channel, topology);
      } finally {
        await connection.close();
      }
    },
  };
}

/** Polls `probe` until it returns something other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}
