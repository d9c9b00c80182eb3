import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually } from '@argus/shared/testing';
import { accept, acceptedIds, destinationsClient } from './support/destinations.js';
import { freePort, startProcess, stopProcess } from './support/processes.js';
import { startReceiver, type Receiver } from './support/receiver.js';
import { sampleEvent, startStack, type TestStack } from './support/stack.js';

type DeliveryWorker = { child: ChildProcess; metricsUrl: string };

/**
 * Destinations spread over the delivering workers, which run as real processes with the default
 * heartbeat, TTL and refresh, so that one can be killed like in production. Events of a few
 * sessions are posted all along, and each receiver must first see each session's events in the
 * order they were posted: repeats are allowed (at least once), reordering is not.
 */
describe('destinations spread over workers', () => {
  let stack: TestStack;
  let token: string;
  let applicationId: string;
  const receivers: Receiver[] = [];
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    stack = await startStack();
    // storing in this process, one batch at a time, so that the queue order is the order of posting;
    // delivery only in the processes below
    await stack.startWorker({ DELIVERY_ENABLED: 'false', STORE_CONCURRENCY: '1' });
    ({ token, applicationId } = await stack.tokenFor(`app-${randomUUID()}`));
    for (let index = 0; index < 4; index += 1) {
      const receiver = await startReceiver();
      // a little slow, so that each consumer holds unacked messages when it hands over
      receiver.answerWith(() => ({ status: 204, afterMs: 5 }));
      receivers.push(receiver);
    }
  });
  afterAll(async () => {
    for (const child of children) await stopProcess(child, 'SIGKILL');
    for (const receiver of receivers) await receiver.close();
    await stack.stop();
  });

  async function startDeliveryWorker(): Promise<DeliveryWorker> {
    const port = await freePort();
    const child = startProcess('worker/dist/main.js', {
      ...stack.env,
      INGEST_ENABLED: 'false',
      WORKER_METRICS_PORT: String(port),
      WORKER_METRICS_HOST: '127.0.0.1',
      DELIVERY_CONCURRENCY: '4',
    });
    children.push(child);
    return { child, metricsUrl: `http://127.0.0.1:${port}/metrics` };
  }

  /** The destinations a worker says it delivers; empty while it is not up. */
  async function ownedBy(worker: DeliveryWorker): Promise<Set<string>> {
    const text = await fetch(worker.metricsUrl).then((response) => response.text(), () => '');
    return new Set([...text.matchAll(/^argus_worker_destination_owner\{destination="([^"]+)"\} 1$/gm)].map((match) => match[1]!));
  }

  async function deliveredBy(worker: DeliveryWorker, destination: string): Promise<number> {
    const text = await fetch(worker.metricsUrl).then((response) => response.text());
    const line = text.split('\n').find((candidate) => candidate.startsWith('argus_worker_deliveries_total{') && candidate.includes(`destination="${destination}"`) && candidate.includes('outcome="delivered"'));
    return line ? Number(line.split(' ').at(-1)) : 0;
  }

  /** Waits until the workers hold these many destinations each, all of them between them. */
  async function split(workers: DeliveryWorker[], shares: number[], destinations: string[], timeoutMs: number): Promise<Set<string>[]> {
    return eventually(
      async () => {
        const owned = await Promise.all(workers.map(ownedBy));
        const all = new Set(owned.flatMap((set) => [...set]));
        const balanced = owned.every((set, index) => set.size === shares[index]) && all.size === destinations.length && destinations.every((id) => all.has(id));
        return balanced ? owned : undefined;
      },
      timeoutMs,
      `destinations split ${shares.join('/')}`,
    );
  }

  /**
   * Milliseconds from `since` until `worker` has delivered to each of these destinations, counted
   * by its own metrics: a receiver cannot tell, and deliveries the previous worker had under way
   * still arrive after `since`.
   */
  async function resumedBy(worker: DeliveryWorker, destinations: string[], since: number, before: number[], timeoutMs: number): Promise<number> {
    return eventually(
      async () => {
        const counts = await Promise.all(destinations.map((destination) => deliveredBy(worker, destination)));
        return counts.every((count, index) => count > before[index]!) ? Date.now() - since : undefined;
      },
      timeoutMs,
      'delivery to resume',
    );
  }

  it('gives each of two workers two of four destinations, hands a killed one’s to the other, takes them back on restart, and keeps each session in order', async () => {
    const { create, detailWhen } = await destinationsClient(stack);
    const destinations: string[] = [];
    for (const receiver of receivers) destinations.push((await create({ url: receiver.url, filter: { application_id: applicationId } })).id);

    const a = await startDeliveryWorker();
    const b = await startDeliveryWorker();
    const [ownedByA] = await split([a, b], [2, 2], destinations, 30_000);

    // real deliveries, each counted by the worker that owns its destination only
    const first = await accept(stack, token, [sampleEvent({ session_id: randomUUID() })]);
    await eventually(async () => (receivers.every((receiver) => acceptedIds(receiver).includes(first[0]!)) ? true : undefined), 15_000, 'the first event at every receiver');
    for (const destination of destinations) {
      const [owner, other] = ownedByA!.has(destination) ? [a, b] : [b, a];
      await eventually(async () => ((await deliveredBy(owner, destination)) >= 1 ? true : undefined), 5000, 'the owner to count its delivery');
      expect(await deliveredBy(other, destination)).toBe(0);
      // and the api names it
      await detailWhen(destination, (detail) => detail.delivered_by?.pid === owner.child.pid, 'the api to name the delivering worker', 5000);
    }

    // events of four sessions, posted one after the other per session, all through the hand-overs
    const sessions = Array.from({ length: 4 }, () => randomUUID());
    const posted = new Map<string, string[]>(sessions.map((session) => [session, []]));
    let posting = true;
    const postingDone = Promise.all(
      sessions.map(async (session) => {
        for (let index = 0; posting; index += 1) {
          const timestamp = new Date(Date.parse('2023-01-01T00:00:00Z') + index * 1000).toISOString();
          const [id] = await accept(stack, token, [sampleEvent({ session_id: session, timestamp, data: { host: 'h', path: `/${index}`, element: 'e' } })]);
          posted.get(session)!.push(id!);
          await sleep(25);
        }
      }),
    );
    await sleep(1500);

    const fromA = [...ownedByA!];
    const countsBeforeKill = await Promise.all(fromA.map((destination) => deliveredBy(b, destination)));
    const killedAt = Date.now();
    await stopProcess(a.child, 'SIGKILL');
    const afterKill = await resumedBy(b, fromA, killedAt, countsBeforeKill, 20_000);
    await split([b], [4], destinations, 20_000);

    const restarted = await startDeliveryWorker();
    const restartedAt = Date.now();
    const [ownedByRestarted] = await split([restarted, b], [2, 2], destinations, 30_000);
    const rebalanced = Date.now() - restartedAt;
    await sleep(1500);

    const fromRestarted = [...ownedByRestarted!];
    const countsBeforeStop = await Promise.all(fromRestarted.map((destination) => deliveredBy(b, destination)));
    const stoppedAt = Date.now();
    const exitCode = stopProcess(restarted.child, 'SIGTERM');
    const afterStop = await resumedBy(b, fromRestarted, stoppedAt, countsBeforeStop, 20_000);
    expect(await exitCode).toBe(0);
    await split([b], [4], destinations, 10_000);
    await sleep(500);
    posting = false;
    await postingDone;

    const all = [...posted.values()].flat();
    await eventually(async () => (receivers.every((receiver) => new Set(acceptedIds(receiver)).size >= all.length + 1) ? true : undefined), 60_000, 'every posted event at every receiver');
    for (const receiver of receivers) {
      const firstSeen = acceptedIds(receiver);
      for (const [, ids] of posted) expect(firstSeen.filter((id) => ids.includes(id))).toEqual(ids);
    }
    if (process.env.REPORT_HANDOVER) {
      process.stdout.write(
        `hand-over: kill -9 ${afterKill} ms, restart rebalanced in ${rebalanced} ms, SIGTERM ${afterStop} ms; ${all.length} events per receiver, ${receivers.map((receiver) => receiver.received.length).join('/')} deliveries\n`,
      );
    }
    // the default heartbeat TTL (3 s) plus a refresh (1 s), with room for a busy machine
    expect(afterKill).toBeLessThan(10_000);
    // a clean stop removes the worker at once: no TTL to wait out
    expect(afterStop).toBeLessThan(6000);
  }, 180_000);
});
