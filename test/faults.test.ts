import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { eventually } from '@argus/shared/testing';
import { freePort, startProcess, stopProcess } from './support/processes.js';
import { sampleEvent, startStack, type TestStack } from './support/stack.js';

/** The pipeline's promises when processes die: api and worker run as real processes, killed like in production. */
describe('when processes die', () => {
  let stack: TestStack;
  let token: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    stack = await startStack();
    ({ token } = await stack.tokenFor('shop'));
  });
  afterEach(async () => {
    for (const child of children.splice(0)) await stopProcess(child, 'SIGKILL');
  });
  afterAll(() => stack.stop());

  async function acceptBatches(batches: number, size: number): Promise<string[]> {
    const responses = await Promise.all(
      Array.from({ length: batches }, (_, batch) =>
        stack.post(
          Array.from({ length: size }, (_, index) => sampleEvent({ session_id: randomUUID(), data: { host: 'h', path: `/${batch}/${index}`, element: 'e' } })),
          { token },
        ),
      ),
    );
    const ids: string[] = [];
    for (const response of responses) {
      expect(response.status).toBe(202);
      ids.push(...((await response.json()) as { ids: string[] }).ids);
    }
    return ids;
  }

  it('stores every accepted event exactly once when the worker is killed mid-stream', async () => {
    const ids = await acceptBatches(60, 100);
    const worker = startProcess('worker/dist/main.js', { ...stack.env, BATCH_MAX_MESSAGES: '5', STORE_CONCURRENCY: '1' });
    children.push(worker);
    await eventually(async () => ((await stack.storedCount(ids)) > 0 ? true : undefined), 20_000, 'the worker to store something');
    await stopProcess(worker, 'SIGKILL');
    expect(await stack.storedCount(ids)).toBeLessThan(ids.length);

    children.push(startProcess('worker/dist/main.js', stack.env));
    await stack.waitUntilStored(ids, 30_000);
    const [errors] = (await stack.database.db.query('SELECT count(*) AS n FROM event_errors WHERE event_id = ANY($1::uuid[])', [ids])) as { n: string }[];
    expect(Number(errors!.n)).toBe(0);
  });

  it('finishes in-flight requests on SIGTERM: every 202 it gave is stored, and it exits cleanly', async () => {
    const port = String(await freePort());
    const api = startProcess('api/dist/main.js', { ...stack.env, PORT: port, HOST: '127.0.0.1' });
    children.push(api);
    const url = `http://127.0.0.1:${port}`;
    await eventually(async () => ((await fetch(`${url}/health`).then((r) => r.ok, () => false)) ? true : undefined), 20_000, 'the api to start');
    await stack.startWorker();

    const body = JSON.stringify(Array.from({ length: 50 }, () => sampleEvent()));
    const requests = Array.from({ length: 100 }, () =>
      fetch(`${url}/events`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body }).then(
        async (response) => (response.status === 202 ? ((await response.json()) as { ids: string[] }).ids : []),
        () => [] as string[], // refused once the server closed: the client knows it was not accepted
      ),
    );
    await Promise.race(requests); // the others are in flight now
    const exitCode = stopProcess(api, 'SIGTERM');
    const accepted = (await Promise.all(requests)).flat();
    expect(await exitCode).toBe(0);
    expect(accepted.length).toBeGreaterThan(50);
    await stack.waitUntilStored(accepted, 20_000);
  });
});
