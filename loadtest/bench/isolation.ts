import { setTimeout as sleep } from 'node:timers/promises';
import amqp from 'amqplib';
import { createDestination, stopDestination, type Topology } from '@argus/shared';
import type { DataSource } from 'typeorm';
import type { LoadResult } from './http-load.js';
import { freePort } from './processes.js';

/** `without`: the load run before and after the one `withDead`, so that drift on a shared machine falls on both sides. */
export type DeadDestinationBench = { without: [LoadResult, LoadResult]; withDead: LoadResult; backlogRows: number; failedAttempts: number };

export type DeadDestinationOptions = {
  db: DataSource;
  amqpUrl: string;
  topology: Topology;
  /** The same load, run once without and once with the dead destination. */
  load: () => Promise<LoadResult>;
};

/**
 * Ingest next to a destination whose receiver is down (connection refused): the same load is run
 * without any destination, then with one that takes every event, then without again (the dead
 * destination stopped). What it cost the database is counted in rows of `delivery_backlog`.
 */
export async function measureDeadDestination(options: DeadDestinationOptions): Promise<DeadDestinationBench> {
  const before = await options.load();
  const deadUrl = `http://127.0.0.1:${await freePort()}/hook`;
  const connection = await amqp.connect(options.amqpUrl);
  let id: string;
  try {
    const channel = await connection.createConfirmChannel();
    const noFilter = { applicationId: null, category: null, name: null };
    ({ id } = (await createDestination(options.db, channel, options.topology, { name: 'bench dead receiver', url: deadUrl, filter: noFilter })).destination);
  } finally {
    await connection.close();
  }
  const withDead = await options.load();
  await stopDestination(options.db, id);
  // the worker writes its counters back once per refresh
  await sleep(2000);
  const [counted] = (await options.db.query(
    `SELECT (SELECT count(*) FROM delivery_backlog WHERE destination_id = $1) AS backlog,
            (SELECT failed_attempt_count FROM destinations WHERE id = $1) AS failed`,
    [id],
  )) as { backlog: string; failed: string }[];
  const after = await options.load();
  return { without: [before, after], withDead, backlogRows: Number(counted!.backlog), failedAttempts: Number(counted!.failed) };
}
