import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import { destinationQueueName } from '@argus/shared';
import { eventually } from '@argus/shared/testing';
import { startReceiver, type Receiver, type ReceivedDelivery } from './receiver.js';
import { sampleEvent, startStack, type TestStack } from './stack.js';

export type CreatedDestination = { id: string; signing_secret: string; state: string };

/** The destinations api, called with a token of the `admin` scope, and what the tests of delivery share. */
export async function destinationsClient(stack: TestStack) {
  const { token: adminToken } = await stack.tokenFor(`ops-${randomUUID()}`, ['admin']);

  async function call(method: string, path: string, body?: unknown, token = adminToken, contentType = 'application/json'): Promise<{ status: number; body: any }> {
    const response = await fetch(`${stack.baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': contentType }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  return {
    call,
    async create(body: Record<string, unknown>): Promise<CreatedDestination> {
      const created = await call('POST', '/destinations', { name: 'test', ...body });
      if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
      return created.body as CreatedDestination;
    },
    /** The destination as GET /destinations/{id} shows it, once `ready` says so. */
    detailWhen(id: string, ready: (detail: any) => boolean, what: string, timeoutMs = 15_000): Promise<any> {
      return eventually(async () => {
        const { body } = await call('GET', `/destinations/${id}`);
        return ready(body) ? body : undefined;
      }, timeoutMs, what);
    },
    /** Consumers on a destination's queue: 0 once every worker has cancelled its own. */
    async consumerCount(id: string): Promise<number> {
      const connection = await amqp.connect(stack.broker.url);
      try {
        return (await (await connection.createChannel()).checkQueue(destinationQueueName(stack.broker.topology, id))).consumerCount;
      } finally {
        await connection.close();
      }
    },
  };
}

/** Accepts events for an application and answers their ids, in the order sent. */
export async function accept(stack: TestStack, token: string, events: unknown[]): Promise<string[]> {
  const response = await stack.post(events, { token });
  if (response.status !== 202) throw new Error(`post: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { ids: string[] }).ids;
}

/** `count` events of one session, a second apart from `start`, in timestamp order. */
export function sessionEvents(count: number, start = Date.parse('2023-01-01T09:00:00Z'), sessionId = randomUUID()) {
  return Array.from({ length: count }, (_, index) =>
    sampleEvent({ session_id: sessionId, timestamp: new Date(start + index * 1000).toISOString(), data: { host: 'h', path: `/${index}`, element: 'e' } }),
  );
}

/** Event ids in the order the receiver first accepted them. */
export const acceptedIds = (receiver: Receiver): string[] => [...new Set(receiver.accepted().map((delivery) => delivery.event.id))];

export async function receivedAll(receiver: Receiver, ids: readonly string[], timeoutMs: number, what: string): Promise<ReceivedDelivery[]> {
  return eventually(
    async () => {
      const accepted = new Set(acceptedIds(receiver));
      return ids.every((id) => accepted.has(id)) ? receiver.accepted() : undefined;
    },
    timeoutMs,
    what,
  );
}

export type DeliveryStack = {
  stack: TestStack;
  destinations: Awaited<ReturnType<typeof destinationsClient>>;
  /** The delivering worker's /metrics. */
  metricsUrl: string;
  /** A receiver on a free port, closed by `stop`. */
  receiver(): Promise<Receiver>;
  /** An application of its own, so that a test's destinations (filtered by it) see only that test's events. */
  application(): Promise<{ token: string; applicationId: string }>;
  stop(): Promise<void>;
};

/** The test stack with a worker that delivers, configured by `workerEnv` (and the api by `apiEnv`). */
async function startDeliveryStack(workerEnv: Record<string, string>, apiEnv: Record<string, string>): Promise<DeliveryStack> {
  const stack = await startStack(apiEnv);
  const { metricsUrl } = await stack.startWorker(workerEnv);
  const destinations = await destinationsClient(stack);
  const receivers: Receiver[] = [];
  return {
    stack,
    destinations,
    metricsUrl,
    async receiver() {
      const started = await startReceiver();
      receivers.push(started);
      return started;
    },
    application: () => stack.tokenFor(`app-${randomUUID()}`),
    async stop() {
      for (const receiver of receivers) await receiver.close();
      await stack.stop();
    },
  };
}

/**
 * Starts a delivery stack before the tests of the enclosing `describe` and stops it after them.
 * The fields read the running stack, so they are used inside tests only.
 */
export function useDeliveryStack(workerEnv: Record<string, string>, apiEnv: Record<string, string> = {}): DeliveryStack {
  let started: DeliveryStack | undefined;
  beforeAll(async () => {
    started = await startDeliveryStack(workerEnv, apiEnv);
  });
  afterAll(() => started?.stop());
  const running = () => {
    if (!started) throw new Error('the delivery stack is not running yet');
    return started;
  };
  return {
    get stack() {
      return running().stack;
    },
    get destinations() {
      return running().destinations;
    },
    get metricsUrl() {
      return running().metricsUrl;
    },
    receiver: () => running().receiver(),
    application: () => running().application(),
    stop: () => running().stop(),
  };
}
