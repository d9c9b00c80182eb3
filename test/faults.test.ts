import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
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
    const port = await freePort();
    const api = startProcess('api/dist/main.js', { ...stack.env, PORT: String(port), HOST: '127.0.0.1' });
    children.push(api);
    await eventually(async () => ((await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false)) ? true : undefined), 20_000, 'the api to start');
    await stack.startWorker();

    // `Expect: 100-continue` makes "in flight" observable: the server has read these requests' headers
    // when it answers 100, and their bodies are sent only after the SIGTERM.
    const body = JSON.stringify(Array.from({ length: 50 }, () => sampleEvent()));
    const requests = Array.from({ length: 20 }, () => startRequest(port, token, body));
    await Promise.all(requests.map((request) => request.continued));
    const exitCode = stopProcess(api, 'SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200)); // the api has the signal before the bodies come
    for (const request of requests) request.finish();

    const answers = await Promise.all(requests.map((request) => request.answer));
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 202));
    expect(await exitCode).toBe(0);
    const accepted = answers.flatMap((answer) => (JSON.parse(answer.body) as { ids: string[] }).ids);
    expect(accepted).toHaveLength(20 * 50);
    await stack.waitUntilStored(accepted, 20_000);
  });
});

/** A POST /events whose headers go now and whose body goes when `finish` is called. */
function startRequest(port: number, token: string, body: string) {
  const req = request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/events',
    headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Authorization: `Bearer ${token}`, Expect: '100-continue' },
  });
  const continued = new Promise<void>((resolve) => req.once('continue', resolve));
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.once('error', reject);
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
  });
  req.flushHeaders();
  return { continued, answer, finish: () => req.end(body) };
}
