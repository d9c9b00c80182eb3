import { type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually } from '@argus/shared/testing';
import { startLoad, type Load, type Outcome } from './support/load.js';
import { startPrivateBroker, type PrivateBroker } from './support/private-broker.js';
import { freePort, residentBytes, startProcess, stopProcess } from './support/processes.js';
import { sampleEvent, startStack, type TestStack } from './support/stack.js';

/**
 * The pipeline when RabbitMQ itself goes away or pushes back. The broker is a node of this file's
 * own, really stopped, restarted and put under a memory alarm; the shared one is never touched.
 */
describe('when RabbitMQ fails or pushes back', () => {
  let broker: PrivateBroker;
  let stack: TestStack;
  let token: string;
  const children: ChildProcess[] = [];
  // stopped here too, so that a failing test leaves no sender posting into the teardown
  const loads: Load[] = [];

  beforeAll(async () => {
    broker = await startPrivateBroker();
    stack = await startStack({ AMQP_URL: broker.url, PUBLISH_CONFIRM_TIMEOUT_MS: '2000' });
    await stack.startWorker({ AMQP_URL: broker.url });
    ({ token } = await stack.tokenFor('shop'));
  }, 90_000);
  afterAll(async () => {
    await Promise.all(loads.map((load) => load.stop()));
    for (const child of children) await stopProcess(child, 'SIGKILL');
    await stack?.stop();
    await broker?.destroy();
  }, 60_000);

  const expectOnlyAcceptedOrRetryLater = (outcomes: Outcome[]) => {
    for (const outcome of outcomes) {
      expect([202, 503]).toContain(outcome.status);
      if (outcome.status === 503) expect(outcome.retryAfter).toBe('5');
    }
  };

  it('stores every accepted event exactly once when RabbitMQ restarts under load, answering 503 while it is away', async () => {
    const load = startLoad((body) => stack.post(body, { token }), { concurrency: 6, batchSize: 10 });
    loads.push(load);
    await eventually(async () => (load.accepted().length >= 200 ? true : undefined), 15_000, 'the load to be accepted');

    await broker.stop();
    const whileDown = load.outcomes.length;
    // once the api has seen the connection go, a request is refused at once
    const refused = await eventually(async () => {
      const started = Date.now();
      const response = await stack.post(sampleEvent(), { token });
      const code = ((await response.json()) as { error?: { code: string } }).error?.code;
      return code === 'broker_unreachable' ? { response, ms: Date.now() - started } : undefined;
    }, 10_000, 'the api to notice the broker is gone');
    expect(refused.response.status).toBe(503);
    expect(refused.response.headers.get('retry-after')).toBe('5');
    expect(refused.ms).toBeLessThan(1000);

    await broker.start();
    // the api and the worker reconnect by themselves
    await eventually(async () => (load.outcomes.slice(whileDown).some((outcome) => outcome.status === 202) ? true : undefined), 20_000, 'a 202 after the restart');
    const acceptedBefore = load.accepted().length;
    await eventually(async () => (load.accepted().length >= acceptedBefore + 100 ? true : undefined), 10_000, 'more 202s after the restart');
    const outcomes = await load.stop();

    expectOnlyAcceptedOrRetryLater(outcomes);
    expect(outcomes.some((outcome) => outcome.status === 503)).toBe(true);
    // nothing waited on a broker that was gone longer than the confirm timeout (2 s), with slack for a busy machine
    expect(Math.max(...outcomes.map((outcome) => outcome.ms))).toBeLessThan(5000);
    await stack.waitUntilStored(load.accepted(), 30_000);
  }, 90_000);

  it('answers 503 broker_blocked at once under a resource alarm, many requests with bounded memory, and 202 once it clears', async () => {
    // the api as a process of its own, so that its memory is its own
    const port = String(await freePort());
    const api = startProcess('api/dist/main.js', { ...stack.env, AMQP_URL: broker.url, PORT: port, HOST: '127.0.0.1', PUBLISH_CONFIRM_TIMEOUT_MS: '2000' });
    children.push(api);
    const url = `http://127.0.0.1:${port}`;
    const post = (body: unknown) =>
      fetch(`${url}/events`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    await eventually(async () => ((await post(sampleEvent()).then((r) => r.status, () => 0)) === 202 ? true : undefined), 20_000, 'the api to accept');

    await broker.ctl('set_vm_memory_high_watermark', '0');
    try {
      // RabbitMQ tells a publishing connection it is blocked; until then a publish waits for its confirm timeout
      await eventually(async () => {
        const response = await post(sampleEvent());
        return ((await response.json()) as { error?: { code: string } }).error?.code === 'broker_blocked' ? true : undefined;
      }, 15_000, 'the api to learn the broker is blocked');

      const before = await residentBytes(api.pid!);
      let peak = before;
      const sampling = setInterval(() => void residentBytes(api.pid!).then((bytes) => (peak = Math.max(peak, bytes)), () => {}), 20);
      // one body for all: the flood measures the api, not this process building requests
      const flood = startLoad(post, { concurrency: 100, body: Array.from({ length: 100 }, () => sampleEvent()), maxRequests: 3000 });
      loads.push(flood);
      await eventually(async () => (flood.outcomes.length >= 3000 ? true : undefined), 30_000, 'every flood request to be answered');
      const outcomes = await flood.stop();
      clearInterval(sampling);

      expect(outcomes.every((outcome) => outcome.status === 503 && outcome.code === 'broker_blocked' && outcome.retryAfter === '5')).toBe(true);
      // refused without publishing (broker_blocked, not a confirm timeout), so none waits on the broker
      expect(Math.max(...outcomes.map((outcome) => outcome.ms))).toBeLessThan(5000);
      expect(peak - before).toBeLessThan(200 * 1024 * 1024);
    } finally {
      await broker.ctl('set_vm_memory_high_watermark', '0.4');
    }

    const accepted = await eventually(async () => {
      const response = await post([sampleEvent(), sampleEvent()]);
      return response.status === 202 ? ((await response.json()) as { ids: string[] }).ids : undefined;
    }, 15_000, 'the api to accept once the alarm cleared');
    await stack.waitUntilStored(accepted);
  }, 90_000);
});
