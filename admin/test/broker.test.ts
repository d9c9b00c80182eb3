import { createServer } from 'node:net';
import { PublishUnconfirmed } from '@argus/shared';
import { withConfirmChannel } from '../src/broker.js';

describe('the admin panel reaching the broker', () => {
  it('says the broker is unreachable with a PublishUnconfirmed, which replays show as a notice', async () => {
    // a port that was free a moment ago: nothing answers there
    const server = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));

    let worked = false;
    const attempt = withConfirmChannel([`amqp://guest:guest@127.0.0.1:${port}`], async () => (worked = true));
    await expect(attempt).rejects.toBeInstanceOf(PublishUnconfirmed);
    await expect(attempt).rejects.toThrow(/unreachable/);
    expect(worked).toBe(false);
  });
});
