import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually } from '@argus/shared/testing';
import { destinationsClient, sessionEvents } from '../support/destinations.js';
import { startLoad, type Load } from '../support/load.js';
import { startPrivateCluster, type PrivateCluster } from '../support/private-cluster.js';
import { freePort, startProcess, stopProcess } from '../support/processes.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { startStack, type TestStack } from '../support/stack.js';

/**
 * Two apis, two workers and two webhook destinations on a RabbitMQ cluster of three nodes, with
 * AMQP_URL listing the three: one node is killed (kill -9) under load, and nothing accepted may be
 * lost, stored twice or delivered more than twice, the api that used it answers 202 again within
 * seconds, and the workers drain the queue. `CLUSTER_RUNS=7 make test-cluster` repeats every
 * scenario and prints the measurements.
 */
const runs = Number(process.env.CLUSTER_RUNS ?? 1);
const confirmTimeoutMs = 2000;
/** A kill, its aftermath and the node's return take about half a minute; more on a loaded machine. */
const scenarioTimeoutMs = 300_000;

type Measured = {
  scenario: string;
  accepted: number;
  lost: number;
  storedTwice: number;
  /** From the kill to the first 202 of a request sent after it, by the api that used the node. */
  backAfterMs: number | null;
  /** Most times one event reached one receiver. */
  maxDeliveries: number;
  /** From the end of the load to every accepted event stored. */
  drainedAfterMs: number;
};

describe('on a three-node RabbitMQ cluster', () => {
  let cluster: PrivateCluster;
  let stack: TestStack;
  let token: string;
  const apis: { url: string; process: ChildProcess }[] = [];
  const workers: ChildProcess[] = [];
  const workerEnvs: Record<string, string>[] = [];
  const receivers: Receiver[] = [];
  const orderedReceivers: Receiver[] = [];
  let orderedToken: string;
  const measured: Measured[] = [];
  let measuredFreeze: string | undefined;

  beforeAll(async () => {
    cluster = await startPrivateCluster();
    stack = await startStack({ AMQP_URL: cluster.url });
    ({ token } = await stack.tokenFor('shop'));
    const env = { ...stack.env, AMQP_URL: cluster.url, PUBLISH_CONFIRM_TIMEOUT_MS: String(confirmTimeoutMs), LOG_LEVEL: process.env.TEST_PROCESS_LOG_LEVEL ?? 'warn' };
    for (let index = 0; index < 2; index += 1) {
      const port = await freePort();
      apis.push({ url: `http://127.0.0.1:${port}`, process: startProcess('api/dist/main.js', { ...env, PORT: String(port), HOST: '127.0.0.1' }) });
      workerEnvs.push({ ...env, WORKER_METRICS_PORT: String(await freePort()), WORKER_METRICS_HOST: '127.0.0.1', DESTINATION_REFRESH_MS: '500' });
      workers.push(startProcess('worker/dist/main.js', workerEnvs[index]!));
    }
    for (const api of apis) {
      await eventually(async () => ((await fetch(`${api.url}/ready`).then((r) => r.ok, () => false)) ? true : undefined), 30_000, 'an api to be ready');
    }
    const destinations = await destinationsClient(stack);
    for (let index = 0; index < 2; index += 1) {
      const receiver = await startReceiver();
      receivers.push(receiver);
      await destinations.create({ url: receiver.url });
    }
    // two more for the spreading test alone: they take only its application's events
    const ordered = await stack.tokenFor('ordered');
    orderedToken = ordered.token;
    for (let index = 0; index < 2; index += 1) {
      const receiver = await startReceiver();
      orderedReceivers.push(receiver);
      await destinations.create({ url: receiver.url, filter: { application_id: ordered.applicationId } });
    }
  }, scenarioTimeoutMs);

  afterAll(async () => {
    for (const child of [...apis.map((api) => api.process), ...workers]) await stopProcess(child, 'SIGKILL');
    for (const receiver of [...receivers, ...orderedReceivers]) await receiver.close();
    await stack?.stop();
    await cluster?.destroy();
    if (measured.length > 0) process.stdout.write(`\n${table(measured)}\n`);
    if (measuredFreeze) process.stdout.write(`${measuredFreeze}\n`);
  }, scenarioTimeoutMs);

  /** The node that a process's connection, named `argus-<role> <host>:<pid>`, is on: the node whose AMQP port it reached. */
  async function nodeOf(child: ChildProcess, role: 'api' | 'worker'): Promise<string> {
    return eventually(async () => {
      const rows = JSON.parse(await cluster.ctl('list_connections', 'client_properties', 'port', '--formatter', 'json')) as { client_properties: unknown; port: number }[];
      const row = rows.find((candidate) => {
        const name = /argus-[a-z-]+ [^"]*:\d+/.exec(JSON.stringify(candidate.client_properties))?.[0] ?? '';
        return name.startsWith(`argus-${role} `) && name.endsWith(`:${child.pid}`);
      });
      return row && cluster.nodes.find((node) => Number(new URL(node.url).port) === row.port)?.name;
    }, 20_000, `the connection of the ${role} ${child.pid}`);
  }

  /** Kills `node` under load from both apis, brings it back, and measures what the clients and receivers saw. */
  async function killUnderLoad(scenario: string, node: string): Promise<Measured> {
    const victims = await Promise.all(apis.map(async (api) => ((await nodeOf(api.process, 'api')) === node ? api : undefined)));
    const loads: Load[] = apis.map((api) =>
      startLoad((body) => fetch(`${api.url}/events`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify(body) }), {
        concurrency: 4,
        batchSize: 10,
      }),
    );
    await sleep(2000);
    const killedAt = Date.now();
    await cluster.node(node).kill();
    await sleep(6000);
    const outcomes = await Promise.all(loads.map((load) => load.stop()));
    const stoppedAt = Date.now();
    const accepted = outcomes.flat().flatMap((outcome) => outcome.ids);

    await stack.waitUntilStored(accepted, 120_000);
    const drainedAfterMs = Date.now() - stoppedAt;
    const [{ errors }] = (await stack.database.db.query('SELECT count(*)::int AS errors FROM event_errors WHERE event_id = ANY($1::uuid[])', [accepted])) as [{ errors: number }];
    for (const receiver of receivers) {
      await eventually(async () => {
        const delivered = new Set(receiver.accepted().map((delivery) => delivery.event.id));
        return accepted.every((id) => delivered.has(id)) ? true : undefined;
      }, 120_000, 'every accepted event delivered to each receiver');
    }
    const ids = new Set(accepted);
    const deliveries = new Map<string, number>();
    for (const [index, receiver] of receivers.entries()) {
      for (const { event } of receiver.accepted()) if (ids.has(event.id)) deliveries.set(`${index}/${event.id}`, (deliveries.get(`${index}/${event.id}`) ?? 0) + 1);
    }
    const victimIndex = victims.findIndex((victim) => victim !== undefined);
    const backAt = victimIndex < 0 ? undefined : outcomes[victimIndex]!.filter((outcome) => outcome.at >= killedAt && outcome.status === 202).map((outcome) => outcome.at + outcome.ms).sort((a, b) => a - b)[0];

    await cluster.node(node).start();
    for (const receiver of receivers) receiver.received.length = 0;
    return {
      scenario,
      accepted: accepted.length,
      lost: accepted.length - (await stack.storedCount(accepted)),
      storedTwice: errors,
      backAfterMs: backAt === undefined ? null : backAt - killedAt,
      maxDeliveries: Math.max(...deliveries.values()),
      drainedAfterMs,
    };
  }

  function expectHeld(result: Measured): void {
    measured.push(result);
    expect(result.accepted).toBeGreaterThan(0);
    expect(result.lost).toBe(0);
    expect(result.storedTwice).toBe(0);
    expect(result.maxDeliveries).toBeLessThanOrEqual(2);
    // the target is 2 s (see the README's measurements); the bound here leaves room for a loaded machine
    if (result.backAfterMs !== null) expect(result.backAfterMs).toBeLessThan(5000);
  }

  /**
   * A node frozen (SIGSTOP) keeps its sockets open and answers nothing. Until the cluster gives up on
   * it, a queue it leads takes nothing through any node; the api that uses it must meanwhile answer
   * every request within its confirm timeout and say it is not ready, then take events again.
   */
  it('answers within its confirm timeout and turns not ready while its node is frozen, then takes events again', async () => {
    const api = apis[0]!;
    const node = cluster.node(await nodeOf(api.process, 'api'));
    const load = startLoad((body) => fetch(`${api.url}/events`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify(body) }), {
      concurrency: 4,
      batchSize: 10,
    });
    await sleep(2000);
    const frozenAt = Date.now();
    node.freeze();
    let notReadyAt: number | undefined;
    let thawing: Promise<void> | undefined;
    try {
      while (Date.now() - frozenAt < 12_000) {
        if (notReadyAt === undefined && (await fetch(`${api.url}/ready`).then((r) => r.status, () => 0)) === 503) notReadyAt = Date.now();
        await sleep(100);
      }
    } finally {
      thawing = node.thaw();
    }
    const thawedAt = Date.now();
    const backAt = await eventually(
      async () => load.outcomes.find((outcome) => outcome.at > frozenAt + confirmTimeoutMs && outcome.status === 202)?.at,
      30_000,
      'a 202 after the freeze',
    );
    const outcomes = await load.stop();
    await thawing;
    const slowestMs = Math.max(...outcomes.map((outcome) => outcome.ms));
    measuredFreeze = `a node frozen 12 s: slowest answer ${slowestMs} ms; /ready 503 ${notReadyAt! - frozenAt} ms after the freeze; 202 again ${backAt - frozenAt} ms after it (${backAt < thawedAt ? 'before' : 'after'} the thaw)`;
    // bounded from each request's arrival; the slack is for a loaded machine
    expect(slowestMs).toBeLessThan(confirmTimeoutMs + 1500);
    expect(notReadyAt).toBeDefined();
    await stack.waitUntilStored(outcomes.flatMap((outcome) => outcome.ids), 120_000);
  }, scenarioTimeoutMs);

  /** How many destinations each worker delivers, from its metrics; undefined while one does not answer. */
  async function destinationsOwned(): Promise<(number | undefined)[]> {
    return Promise.all(
      workerEnvs.map(async (env) => {
        const text = await fetch(`http://127.0.0.1:${env.WORKER_METRICS_PORT}/metrics`).then((response) => response.text(), () => '');
        const value = /^argus_worker_destinations_owned (\d+)$/m.exec(text)?.[1];
        return value === undefined ? undefined : Number(value);
      }),
    );
  }

  it("spreads four destinations over the two workers, hands a killed worker's to the other in each session's order, and takes them back", async () => {
    await eventually(async () => ((await destinationsOwned()).join() === '2,2' ? true : undefined), 20_000, 'two destinations for each worker');
    // sessions of five events each, a request each: one message, so the stream has each session in order
    let session = 0;
    const load = startLoad(
      () => {
        session += 1;
        const events = sessionEvents(5, Date.parse('2023-01-01T09:00:00Z') + session * 10_000);
        return fetch(`${apis[1]!.url}/events`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${orderedToken}` }, body: JSON.stringify(events) });
      },
      { concurrency: 2, body: null },
    );
    await sleep(1000);
    await stopProcess(workers[0]!, 'SIGKILL');
    await eventually(async () => ((await destinationsOwned())[1] === 4 ? true : undefined), 20_000, 'the other worker to deliver all four');
    await sleep(1000);
    const accepted = (await load.stop()).flatMap((outcome) => outcome.ids);
    for (const receiver of [...receivers, ...orderedReceivers]) {
      await eventually(async () => {
        const delivered = new Set(receiver.accepted().map((delivery) => delivery.event.id));
        return accepted.every((id) => delivered.has(id)) ? true : undefined;
      }, 60_000, 'every accepted event delivered to each receiver');
    }
    for (const receiver of orderedReceivers) {
      // each event's first arrival, per session: repeats of what a killed worker had not acked may follow
      const firsts = new Map<string, string[]>();
      const seen = new Set<string>();
      for (const { event } of receiver.accepted()) {
        if (seen.has(event.id)) continue;
        seen.add(event.id);
        firsts.set(event.session_id, [...(firsts.get(event.session_id) ?? []), event.timestamp]);
      }
      for (const timestamps of firsts.values()) expect(timestamps).toEqual([...timestamps].sort());
      expect(firsts.size).toBe(accepted.length / 5);
    }
    workers[0] = startProcess('worker/dist/main.js', workerEnvs[0]!);
    await eventually(async () => ((await destinationsOwned()).join() === '2,2' ? true : undefined), 30_000, 'the restarted worker to take its share');
    for (const receiver of [...receivers, ...orderedReceivers]) receiver.received.length = 0;
  }, scenarioTimeoutMs);

  for (let run = 1; run <= runs; run += 1) {
    const suffix = runs > 1 ? ` (run ${run})` : '';

    it(`loses nothing, and the api answers 202 again, when the node an api and a worker use is killed${suffix}`, async () => {
      const apiNodes = await Promise.all(apis.map((api) => nodeOf(api.process, 'api')));
      const workerNodes = await Promise.all(workers.map((worker) => nodeOf(worker, 'worker')));
      const shared = apiNodes.find((node) => workerNodes.includes(node));
      // the processes start at random nodes: when no api shares one with a worker, each is killed in turn
      const apiNode = shared ?? apiNodes[0]!;
      const apiKilled = await killUnderLoad(shared ? 'the node of an api and a worker' : 'the node of an api', apiNode);
      expectHeld(apiKilled);
      expect(apiKilled.backAfterMs).not.toBeNull();
      if (!shared) expectHeld(await killUnderLoad('the node of a worker', workerNodes[0]!));
    }, 2 * scenarioTimeoutMs);

    it(`loses nothing when the ingest queue's leader is killed${suffix}`, async () => {
      const leader = await cluster.leaderOf(stack.broker.topology.ingestQueue);
      expectHeld(await killUnderLoad("the ingest queue's leader", leader));
    }, scenarioTimeoutMs);
  }
});

function table(rows: Measured[]): string {
  const lines = ['| scenario | accepted | lost | stored twice | api back after | max deliveries per receiver | drained after |', '|---|---:|---:|---:|---:|---:|---:|'];
  for (const row of rows) {
    lines.push(`| ${row.scenario} | ${row.accepted} | ${row.lost} | ${row.storedTwice} | ${row.backAfterMs === null ? '(no api on it)' : `${row.backAfterMs} ms`} | ${row.maxDeliveries} | ${row.drainedAfterMs} ms |`);
  }
  return lines.join('\n');
}
