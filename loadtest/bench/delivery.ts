import amqp from 'amqplib';
import {
  createDestination,
  destinationQueueName,
  findOrCreateApplication,
  issueToken,
  startDestination,
  stopDestination,
  type Topology,
} from '@argus/shared';
import type { DataSource } from 'typeorm';
import { firstLine, runNode, startNode, waitUntil } from './processes.js';
import { requestBodies } from './sample-events.js';

/** `accepted`: events the bench posted for it (valid or not), which the loss check counts too. */
export type DeliveryBench = { deliveriesPerSecond: number; directPerSecond: number; delivered: number; accepted: number };

export type DeliveryBenchOptions = {
  db: DataSource;
  amqpUrl: string;
  topology: Topology;
  apiUrl: string;
  jwtSecret: string;
  /** The worker's DELIVERY_CONCURRENCY: the baseline loop runs as many requests at once. */
  concurrency: number;
  /** Events to deliver (in batches of 100). */
  events: number;
  baselineSeconds: number;
  /** Events are posted for an application of this name, which only this measurement uses. */
  applicationName: string;
  /** A second destination, receiving the same events at this url, delivers meanwhile (stopped afterwards). */
  neighbourUrl?: string;
};

/**
 * Delivery to a webhook, against the same receiver hit directly. A destination is created
 * stopped, its queue filled with `events` stored events, then started: the figure is the rate at
 * which the receiver gets them, from the first to the last. The baseline is fetch in loops of the
 * same concurrency against the same receiver, from a process of its own.
 */
export async function measureDelivery(options: DeliveryBenchOptions): Promise<DeliveryBench> {
  const receiver = startNode('loadtest/dist/bench/webhook-receiver.js');
  try {
    const receiverUrl = `http://127.0.0.1:${await firstLine(receiver)}`;
    const received = async () => ((await (await fetch(`${receiverUrl}/count`)).json()) as { received: number }).received;
    const body = JSON.stringify({ type: 'event.stored', timestamp: new Date().toISOString(), data: JSON.parse(requestBodies(1, 1)[0]!) });
    const direct = JSON.parse(
      await runNode('loadtest/dist/bench/webhook-loop.js', [JSON.stringify({ url: `${receiverUrl}/hook`, concurrency: options.concurrency, seconds: options.baselineSeconds, body })]),
    ) as { requestsPerSecond: number };

    const application = await findOrCreateApplication(options.db, { name: options.applicationName, email: 'bench@example.com' });
    const { token } = await issueToken(options.db, options.jwtSecret, { applicationId: application.id, scopes: ['write'] });
    // created stopped: its queue fills first, then delivery is timed from a full queue
    const destinationId = await withChannel(options.amqpUrl, async (channel) => {
      const { destination } = await createDestination(options.db, channel, options.topology, {
        name: 'bench',
        url: `${receiverUrl}/hook`,
        filter: { applicationId: application.id, category: null, name: null },
        state: 'stopped',
      });
      return destination.id;
    });
    const neighbourId = options.neighbourUrl
      ? await withChannel(options.amqpUrl, async (channel) => {
          const filter = { applicationId: application.id, category: null, name: null };
          return (await createDestination(options.db, channel, options.topology, { name: 'bench neighbour', url: options.neighbourUrl!, filter })).destination.id;
        })
      : undefined;

    const bodies = requestBodies(options.events / 100, 100);
    let accepted = 0;
    for (let start = 0; start < bodies.length; start += 10) {
      const answers = await Promise.all(
        bodies.slice(start, start + 10).map((batch) =>
          fetch(`${options.apiUrl}/events`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: batch }),
        ),
      );
      for (const answer of answers) accepted += ((await answer.json()) as { accepted?: number }).accepted ?? 0;
    }
    const counted = async (sql: string) => Number(((await options.db.query(sql, [application.id])) as { n: string }[])[0]!.n);
    const storedSql = 'SELECT (SELECT count(*) FROM events WHERE application_id = $1) + (SELECT count(*) FROM event_errors WHERE application_id = $1) AS n';
    await waitUntil(async () => (await counted(storedSql)) >= accepted, 'the delivery events to be stored');
    // invalid events are kept in event_errors and never published
    const valid = await counted('SELECT count(*) AS n FROM events WHERE application_id = $1');
    await withChannel(options.amqpUrl, async (channel) => {
      const queued = async () => (await channel.checkQueue(destinationQueueName(options.topology, destinationId))).messageCount;
      await waitUntil(async () => (await queued()) >= valid, "the destination's queue to fill");
    });

    const before = await received();
    await withChannel(options.amqpUrl, (channel) => startDestination(options.db, channel, options.topology, destinationId));
    let first = before;
    await waitUntil(async () => (first = await received()) > before, 'the first delivery', 60_000, 10);
    const started = performance.now();
    await waitUntil(async () => (await received()) >= before + valid, 'every delivery', 300_000, 20);
    const deliveriesPerSecond = (before + valid - first) / ((performance.now() - started) / 1000);
    if (neighbourId) await stopDestination(options.db, neighbourId);
    return { deliveriesPerSecond, directPerSecond: direct.requestsPerSecond, delivered: valid, accepted };
  } finally {
    await receiver.stop();
  }
}

async function withChannel<T>(url: string, work: (channel: amqp.ConfirmChannel) => Promise<T>): Promise<T> {
  const connection = await amqp.connect(url);
  try {
    return await work(await connection.createConfirmChannel());
  } finally {
    await connection.close();
  }
}
