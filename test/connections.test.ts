import { connect, type Socket } from 'node:net';
import { eventually } from '@argus/shared/testing';
import { sampleEvent, startStack, type TestStack } from './support/stack.js';

type IdleSocket = { socket: Socket; answer: string; closed: boolean };

/**
 * Sockets that connect and never send a byte once stayed open for minutes, until the api ran out
 * of file descriptors and stopped answering ingest.
 */
describe('connections that send nothing', () => {
  let stack: TestStack;
  let token: string;
  const opened: IdleSocket[] = [];

  beforeAll(async () => {
    stack = await startStack({ HTTP_HEADERS_TIMEOUT_MS: '1500', MAX_CONNECTIONS: '300' });
    ({ token } = await stack.tokenFor('steady'));
  });
  afterAll(async () => {
    for (const { socket } of opened) socket.destroy();
    await stack.stop();
  });

  async function openIdle(count: number): Promise<IdleSocket[]> {
    const { hostname, port } = new URL(stack.baseUrl);
    const sockets = await Promise.all(
      Array.from(
        { length: count },
        () =>
          new Promise<IdleSocket>((resolve, reject) => {
            const idle: IdleSocket = { socket: connect(Number(port), hostname), answer: '', closed: false };
            idle.socket.on('data', (chunk) => (idle.answer += String(chunk)));
            idle.socket.on('close', () => (idle.closed = true));
            idle.socket.once('connect', () => resolve(idle)).once('error', reject);
          }),
      ),
    );
    opened.push(...sockets);
    return sockets;
  }

  it('are closed after the headers timeout while ingest keeps answering', async () => {
    const idle = await openIdle(250);
    const response = await stack.post(sampleEvent(), { token });
    expect(response.status).toBe(202);
    await eventually(async () => (idle.every((socket) => socket.closed) ? true : undefined), 10_000, 'every idle socket to be closed');
    expect(idle.filter((socket) => !socket.answer.startsWith('HTTP/1.1 408'))).toEqual([]);
    expect((await stack.post(sampleEvent(), { token })).status).toBe(202);
  });

  it('beyond MAX_CONNECTIONS are closed at once, and ingest answers again once the idle ones are gone', async () => {
    const idle = await openIdle(400);
    // those over the cap (100, and one more per kept-alive connection of the test's own client) are
    // closed without an answer; the others get their 408 after the headers timeout
    await eventually(async () => (idle.every((socket) => socket.closed) ? true : undefined), 10_000, 'every idle socket to be closed');
    const unanswered = idle.filter((socket) => socket.answer === '').length;
    expect(unanswered).toBeGreaterThanOrEqual(100);
    expect(unanswered).toBeLessThanOrEqual(105);
    expect((await stack.post(sampleEvent(), { token })).status).toBe(202);
  });

  it('do not hold up stopping the api, which closes them', async () => {
    const idle = await openIdle(20);
    const stopped = stack.stopApi().then(() => 'stopped');
    // node's own close waited for such a socket for good
    expect(await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 5000, 'still stopping'))])).toBe('stopped');
    await eventually(async () => (idle.every((socket) => socket.closed) ? true : undefined), 5000, 'every idle socket to be closed');
    await stack.startApi();
    expect((await stack.post(sampleEvent(), { token })).status).toBe(202);
  });
});
