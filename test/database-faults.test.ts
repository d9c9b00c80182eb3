import amqp, { type ChannelModel } from 'amqplib';
import { eventually } from '@argus/shared/testing';
import { startLoad, type Load } from './support/load.js';
import { startStack, type TestStack } from './support/stack.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

/**
 * PostgreSQL goes away under load, for the worker only: its connections run through a proxy that
 * the test cuts (every socket destroyed, new ones refused) and restores. The shared server is never touched.
 */
describe('when PostgreSQL is unreachable for a while under load', () => {
  const prefetch = 20;
  let stack: TestStack;
  let proxy: TcpProxy;
  let broker: ChannelModel;
  let token: string;
  let worker: { metricsUrl: string };
  let running: Load | undefined;

  beforeAll(async () => {
    stack = await startStack();
    const database = new URL(stack.database.url);
    proxy = await startTcpProxy({ host: database.hostname, port: Number(database.port || 5432) });
    database.port = String(proxy.port);
    worker = await stack.startWorker({ DATABASE_URL: database.toString(), PREFETCH: String(prefetch), BATCH_MAX_MESSAGES: '5', DB_RETRY_INITIAL_MS: '100', DB_RETRY_MAX_MS: '500' });
    broker = await amqp.connect(stack.broker.url);
    ({ token } = await stack.tokenFor('shop'));
  });
  afterAll(async () => {
    await running?.stop(); // a failing test must leave no sender posting into the teardown
    await proxy?.restore();
    await stack?.stop();
    await broker?.close();
    await proxy?.close();
  });

  it('keeps accepting, acks nothing while the database is away, lets the queue grow, and stores everything once it is back', async () => {
    const channel = await broker.createChannel();
    const storeRetries = async () => Number(/^argus_worker_store_retries_total (\d+)/m.exec(await (await fetch(worker.metricsUrl)).text())?.[1]);
    const queueDepth = async () => (await channel.checkQueue(stack.broker.topology.ingestQueue)).messageCount;
    const load = startLoad((body) => stack.post(body, { token }), { concurrency: 4, batchSize: 10, maxRequests: 5000 });
    running = load;
    await eventually(async () => ((await stack.storedCount(load.accepted())) >= 100 ? true : undefined), 15_000, 'the worker to store under load');

    await proxy.cut();
    const retriesAtCut = await storeRetries();
    // a commit the database took just before the cut may still land: once the worker retries, none can
    await eventually(async () => ((await storeRetries()) > retriesAtCut ? true : undefined), 15_000, 'the worker to find the database gone');
    const storedAtCut = await stack.storedCount(load.accepted());
    // the worker holds at most `prefetch` messages; beyond that, the queue grows
    await eventually(async () => ((await queueDepth()) >= 5 * prefetch ? true : undefined), 15_000, 'the queue to grow');
    // and the worker keeps trying, backing off
    await eventually(async () => ((await storeRetries()) >= retriesAtCut + 3 ? true : undefined), 15_000, 'the worker to retry');
    const acceptedWhileAway = load.accepted();
    expect(await stack.storedCount(acceptedWhileAway)).toBe(storedAtCut);

    await proxy.restore();
    const outcomes = await load.stop();
    expect(outcomes.every((outcome) => outcome.status === 202)).toBe(true);
    await stack.waitUntilStored(load.accepted(), 30_000);
    await eventually(async () => ((await queueDepth()) === 0 ? true : undefined), 10_000, 'the queue to drain');
    const [{ errors }] = await stack.database.db.query('SELECT count(*)::int AS errors FROM event_errors');
    expect(errors).toBe(0);
  }, 60_000);
});
