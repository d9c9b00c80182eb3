import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually, silentLog } from '@argus/shared/testing';
import { queueMembers, watchQueueLeader } from './queue-leader.js';

describe("the ingest queue's leader", () => {
  let server: Server;
  let asked: { url?: string; authorization?: string }[];

  beforeAll(async () => {
    server = createServer((req, res) => {
      asked.push({ url: req.url, authorization: req.headers.authorization });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ name: 'argus.ingest', type: 'quorum', leader: 'rabbit@two', members: ['rabbit@one', 'rabbit@two', 'rabbit@three'] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  beforeEach(() => (asked = []));
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('is read from the first management API of the list that answers', async () => {
    const { port } = server.address() as AddressInfo;
    const watch = watchQueueLeader({
      urls: ['http://127.0.0.1:1', `http://ops:s%40cret@127.0.0.1:${port}`],
      vhost: '/',
      queue: 'argus.ingest',
      intervalMs: 60_000,
      log: silentLog,
    });
    try {
      const members = await eventually(async () => watch.current(), 5000, 'a reading');
      expect(members).toEqual({ leader: 'rabbit@two', members: ['rabbit@one', 'rabbit@two', 'rabbit@three'] });
      expect(asked).toEqual([{ url: '/api/queues/%2F/argus.ingest', authorization: `Basic ${Buffer.from('ops:s@cret').toString('base64')}` }]);
    } finally {
      watch.stop();
    }
  });

  it("names a classic queue's node as its leader, and nothing for a body it does not know", () => {
    expect(queueMembers({ node: 'rabbit@one' })).toEqual({ leader: 'rabbit@one', members: ['rabbit@one'] });
    expect(queueMembers('nonsense')).toEqual({ leader: null, members: [] });
  });
});
