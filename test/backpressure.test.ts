import { eventually } from '@argus/shared/testing';
import { sampleEvent, startStack, type TestStack } from './support/stack.js';

describe('backpressure: the ingest queue has a depth limit', () => {
  let stack: TestStack;
  let token: string;

  beforeAll(async () => {
    stack = await startStack({ INGEST_QUEUE_MAX_DEPTH: '5', INGEST_QUEUE_CHECK_MS: '100' });
    ({ token } = await stack.tokenFor('shop'));
  });
  afterAll(() => stack.stop());

  it('answers 503 broker_backlog with Retry-After once the queue is full, and 202 again when a worker drains it', async () => {
    const accepted: string[] = [];
    // no worker: the queue only grows, and the api notices within its check interval
    const refused = await eventually(
      async () => {
        const response = await stack.post(sampleEvent(), { token });
        if (response.status === 202) {
          accepted.push(...((await response.json()) as { ids: string[] }).ids);
          return undefined;
        }
        return response;
      },
      10_000,
      'the api to refuse',
    );
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    const { error } = (await refused.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('broker_backlog');
    expect(error.message).toMatch(/over its limit of 5/);
    expect(accepted.length).toBeGreaterThanOrEqual(5);
    // refusing, not publishing: the depth stays where the limit stopped it
    const depthBefore = await stack.ingestDepth();
    expect((await stack.post(sampleEvent(), { token })).status).toBe(503);
    expect(await stack.ingestDepth()).toBe(depthBefore);

    await stack.startWorker();
    const response = await eventually(
      async () => {
        const retried = await stack.post(sampleEvent(), { token });
        return retried.status === 202 ? retried : undefined;
      },
      10_000,
      'the api to accept again',
    );
    accepted.push(...((await response.json()) as { ids: string[] }).ids);
    await stack.waitUntilStored(accepted, 10_000);
  });
});
