import amqp from 'amqplib';
import { createDestination } from '@argus/shared';
import { eventually } from '@argus/shared/testing';
import { accept, sessionEvents, useDeliveryStack } from './support/destinations.js';

/**
 * Destinations on an install that does not allow loopback and private networks (production's
 * default): the api refuses such a URL by name, and the worker refuses the address it would
 * connect to, so a destination that got one anyway (created before the rule, or rebinding DNS) is
 * a failed attempt that says why.
 */
describe('destination addresses with private networks not allowed', () => {
  const off = { DESTINATION_ALLOW_PRIVATE_NETWORKS: 'false' };
  const delivery = useDeliveryStack({ ...off, DESTINATION_REFRESH_MS: '200', DELIVERY_RETRY_INITIAL_MS: '100', DELIVERY_RETRY_MAX_MS: '200' }, off);

  it('refuses link-local, metadata, loopback and private URLs at create with a 400 naming url', async () => {
    const adminPort = 3001;
    for (const url of ['http://169.254.169.254/latest/meta-data', 'http://[::1]:5432/', 'http://0x7f000001/hook', `http://127.0.0.1:${adminPort}/admin`, 'http://localhost:8000/', 'http://10.0.0.5/hook']) {
      const { status, body } = await delivery.destinations.call('POST', '/destinations', { name: 'sneaky', url });
      expect({ url, status }).toEqual({ url, status: 400 });
      expect(body.error.code).toBe('invalid_body');
      expect(body.error.message).toMatch(/^url: /);
      expect(body.error.details).toEqual([{ path: 'url', message: expect.stringMatching(/address/) }]);
    }
    const { body } = await delivery.destinations.call('GET', '/destinations');
    expect(body.destinations).toEqual([]);
  });

  it('accepts a public name, which is checked again on the address connected to', async () => {
    const created = await delivery.destinations.create({ url: 'https://hooks.example.com/argus' });
    expect(created.state).toBe('running');
    await delivery.destinations.call('POST', `/destinations/${created.id}/stop`);
  });

  it('does not deliver to a loopback receiver that got in anyway: the attempt fails with the reason, and nothing reaches it', async () => {
    const app = await delivery.application();
    const receiver = await delivery.receiver();
    const connection = await amqp.connect(delivery.stack.broker.url);
    const { destination } = await createDestination(delivery.stack.database.db, await connection.createConfirmChannel(), delivery.stack.broker.topology, {
      name: 'created before the rule',
      url: receiver.url,
      filter: { applicationId: app.applicationId, category: null, name: null },
    }).finally(() => connection.close());
    await accept(delivery.stack, app.token, sessionEvents(1));

    const detail = await delivery.destinations.detailWhen(destination.id, (body) => body.last_failure !== null && body.recent_attempts.length > 0, 'a refused attempt');
    expect(detail.last_failure).toMatchObject({ status: null, error: expect.stringMatching(/^refused address: 127\.0\.0\.1 is a loopback or private address/) });
    expect(detail.recent_attempts[0]).toMatchObject({ status: null, answer: expect.stringMatching(/^refused address/) });
    await eventually(async () => ((await delivery.destinations.call('GET', `/destinations/${destination.id}`)).body.failed_attempts >= 2 ? true : undefined), 10_000, 'a retry, refused too');
    expect(receiver.received).toEqual([]);
  });
});
