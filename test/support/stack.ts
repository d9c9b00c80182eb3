import amqp from 'amqplib';
import { createApi, type ApiProcess } from '../../api/src/api.js';
import { loadApiConfig } from '../../api/src/config.js';
import { loadWorkerConfig } from '../../worker/src/config.js';
import { createWorker, type WorkerProcess } from '../../worker/src/worker.js';
import { findOrCreateApplication, issueToken, type Logger, type TokenScope } from '@argus/shared';
import { createTestBroker, createTestDatabase, eventually, silentLog, testSecret, type TestBroker, type TestDatabase } from '@argus/shared/testing';

export type TestStack = {
  database: TestDatabase;
  broker: TestBroker;
  baseUrl: string;
  /** The environment the api and workers run with, for starting them as processes of their own. */
  env: Record<string, string>;
  /** A token for a new application of that name (scope `write` unless told). */
  tokenFor(application: string, scopes?: TokenScope[]): Promise<{ token: string; applicationId: string; tokenId: string }>;
  post(body: unknown, init?: { token?: string; headers?: Record<string, string> }): Promise<Response>;
  /** How many of these ids are stored in events. */
  storedCount(ids: string[]): Promise<number>;
  /** Waits until every one of these ids is stored in events. */
  waitUntilStored(ids: string[], timeoutMs?: number): Promise<void>;
  /** Starts a worker; its /metrics listens on a free port, given back. */
  startWorker(env?: Record<string, string>): Promise<WorkerProcess & { metricsUrl: string }>;
  /** Stops the api, as a crash or a deploy would; `startApi` brings it back on the same port. */
  stopApi(): Promise<void>;
  startApi(): Promise<void>;
  /** Messages waiting in the ingest queue. */
  ingestDepth(): Promise<number>;
  /** Deletes the ingest queue under the api's feet (and the worker's): the api answers 503 until it restores it. */
  deleteIngestQueue(): Promise<void>;
  stop(): Promise<void>;
};

/**
 * The api (and, on request, workers) in this process, on a database and broker names of their own,
 * listening on a free port. `stop` stops everything it started and drops what it created.
 */
export async function startStack(apiEnv: Record<string, string> = {}, options: { log?: Logger } = {}): Promise<TestStack> {
  const log = options.log ?? silentLog;
  const database = await createTestDatabase();
  const broker = createTestBroker();
  const env = {
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    AMQP_URL: broker.url,
    AMQP_PREFIX: broker.prefix,
    JWT_SECRET: testSecret,
    LOG_LEVEL: 'silent',
  };
  const apiOn = (port: number) => createApi(loadApiConfig({ ...env, PORT: String(port), HOST: '127.0.0.1', ...apiEnv }), log);
  let api: ApiProcess | undefined = apiOn(0);
  const { port } = await api.start();
  const baseUrl = `http://127.0.0.1:${port}`;
  const workers: WorkerProcess[] = [];
  const storedCount = async (ids: string[]) => {
    const [row] = (await database.db.query('SELECT count(*)::int AS n FROM events WHERE id = ANY($1::uuid[])', [ids])) as { n: number }[];
    return row!.n;
  };

  return {
    database,
    broker,
    baseUrl,
    env,
    async tokenFor(application, scopes = ['write']) {
      const app = await findOrCreateApplication(database.db, { name: application, email: `${application}@example.com` });
      const { token, record } = await issueToken(database.db, testSecret, { applicationId: app.id, scopes });
      return { token, applicationId: app.id, tokenId: record.id };
    },
    storedCount,
    async waitUntilStored(ids, timeoutMs = 20_000) {
      await eventually(async () => ((await storedCount(ids)) === new Set(ids).size ? true : undefined), timeoutMs, `${ids.length} accepted events to be stored`);
    },
    post(body, init = {}) {
      return fetch(`${baseUrl}/events`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}),
          ...init.headers,
        },
        body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
      });
    },
    async startWorker(workerEnv = {}) {
      const worker = createWorker(loadWorkerConfig({ ...env, WORKER_METRICS_PORT: '0', WORKER_METRICS_HOST: '127.0.0.1', ...workerEnv }), log);
      const { metrics } = await worker.start();
      workers.push(worker);
      return Object.assign(worker, { metricsUrl: `http://127.0.0.1:${metrics.port}/metrics` });
    },
    async stopApi() {
      await api?.stop();
      api = undefined;
    },
    async startApi() {
      if (api) return;
      const restarted = apiOn(port);
      await restarted.start();
      api = restarted;
    },
    async ingestDepth() {
      const connection = await amqp.connect(broker.url);
      try {
        return (await (await connection.createChannel()).checkQueue(broker.topology.ingestQueue)).messageCount;
      } finally {
        await connection.close();
      }
    },
    async deleteIngestQueue() {
      const connection = await amqp.connect(broker.url);
      try {
        await (await connection.createChannel()).deleteQueue(broker.topology.ingestQueue);
      } finally {
        await connection.close();
      }
    },
    async stop() {
      await api?.stop();
      for (const worker of workers) await worker.stop();
      const destinations: { id: string }[] = await database.db.query('SELECT id FROM destinations');
      await broker.drop(destinations.map((destination) => destination.id));
      await database.drop();
    },
  };
}

const baseEvent = {
  session_id: 'e2085be5-9137-4e4e-80b5-f1ffddc25423',
  category: 'page interaction',
  name: 'cta click',
  data: { host: 'www.consumeraffairs.com', path: '/', element: 'chat bubble' } as Record<string, unknown>,
  timestamp: '2023-01-01 09:15:27.243860Z',
};

/** A valid `page interaction` / `cta click` event, with any field replaced or added. */
export const sampleEvent = <T extends Record<string, unknown>>(overrides?: T): Omit<typeof baseEvent, keyof T> & T => ({
  ...baseEvent,
  ...(overrides as T),
});
