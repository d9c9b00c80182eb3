import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { eventually } from '@argus/shared/testing';
import { accept, destinationsClient, receivedAll } from './support/destinations.js';
import { startProcess, stopProcess } from './support/processes.js';
import { startReceiver, type Receiver } from './support/receiver.js';
import { sampleEvent, startStack, type TestStack } from './support/stack.js';

/** Delivery when a worker dies: workers run as real processes, so one can be killed mid-delivery like in production. */
describe('delivery when a worker dies', () => {
  let stack: TestStack;
  let receiver: Receiver;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    stack = await startStack();
    // ingestion in this process, delivery only in the processes below
    await stack.startWorker({ DELIVERY_ENABLED: 'false' });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    for (const child of children) await stopProcess(child, 'SIGKILL');
    await receiver.close();
    await stack.stop();
  });

  function startDeliveryWorker(): ChildProcess {
    const child = startProcess('worker/dist/main.js', { ...stack.env, WORKER_METRICS_PORT: '0', WORKER_METRICS_HOST: '127.0.0.1', DESTINATION_REFRESH_MS: '200', DELIVERY_CONCURRENCY: '4' });
    children.push(child);
    return child;
  }

  it('loses nothing when the delivering worker is killed mid-delivery; a repeat carries the same webhook-id, and every event is counted, none more often than it was delivered', async () => {
    const app = await stack.tokenFor('shop');
    const { create, detailWhen } = await destinationsClient(stack);
    const destination = await create({ url: receiver.url, filter: { application_id: app.applicationId } });
    // slow answers, so that the kill lands while deliveries are in flight
    receiver.answerWith(() => ({ status: 200, afterMs: 20 }));
    const sessions = Array.from({ length: 20 }, () => randomUUID());
    const ids = await accept(
      stack,
      app.token,
      Array.from({ length: 200 }, (_, index) =>
        sampleEvent({ session_id: sessions[index % sessions.length], timestamp: new Date(Date.parse('2023-01-01T00:00:00Z') + index * 1000).toISOString() }),
      ),
    );

    const first = startDeliveryWorker();
    await eventually(async () => (receiver.accepted().length >= 30 ? true : undefined), 30_000, 'the first worker to deliver some');
    await stopProcess(first, 'SIGKILL');
    expect(receiver.accepted().length).toBeLessThan(ids.length);

    startDeliveryWorker();
    const deliveries = await receivedAll(receiver, ids, 60_000, 'every event after the restart');
    expect(new Set(deliveries.map((delivery) => delivery.event.id)).size).toBe(ids.length);
    const webhookIds = new Map<string, Set<string>>();
    for (const delivery of receiver.received) {
      webhookIds.set(delivery.event.id, (webhookIds.get(delivery.event.id) ?? new Set()).add(String(delivery.headers['webhook-id'])));
    }
    for (const id of ids) expect(webhookIds.get(id)?.size).toBe(1);
    // the kill left deliveries unanswered, so unacked: the second worker sent them again
    expect(receiver.received.length).toBeGreaterThan(ids.length);
    // a repeat comes before the next event of its session, so each session was first received in order
    const firstReceived = [...new Set(receiver.accepted().map((delivery) => delivery.event.id))];
    for (const session of sessions) {
      const sent = ids.filter((_, index) => index % sessions.length === sessions.indexOf(session));
      expect(firstReceived.filter((id) => sent.includes(id))).toEqual(sent);
    }
    // what the killed worker delivered but had not counted was acked only after counting: it came again and was counted then;
    // one it had counted whose ack the kill cut off (a window of milliseconds) came again too, and counts as the delivery it was
    const counted = await detailWhen(destination.id, (detail) => detail.delivered >= ids.length, 'the counters to catch up');
    expect(counted.delivered).toBeGreaterThanOrEqual(ids.length);
    expect(counted.delivered).toBeLessThanOrEqual(receiver.accepted().length);
  }, 120_000);
});
