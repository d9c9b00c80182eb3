import { randomUUID } from 'node:crypto';
import amqp, { type ChannelModel } from 'amqplib';
import { testServices } from '@argus/shared/testing';
import { confirmedWithin, drained, publishConfirmed, PublishUnconfirmed } from '@argus/shared';

/** The publishing helpers on the local broker: a channel that closes or a broker that does not answer ends every wait. */
describe('confirmed publishing', () => {
  let connection: ChannelModel;

  beforeAll(async () => {
    connection = await amqp.connect(testServices.amqp);
  });
  afterAll(() => connection.close());

  const never = () => new Promise<never>(() => {});

  it('stops waiting for the buffer to drain when the channel closes', async () => {
    const channel = await connection.createConfirmChannel();
    const waiting = drained(channel);
    await channel.close();
    await expect(waiting).rejects.toThrow(new PublishUnconfirmed('the broker closed the channel'));
  });

  it('rejects the confirm of a message the broker refused when it closes the channel', async () => {
    const channel = await connection.createConfirmChannel();
    channel.on('error', () => {}); // the 404 that closes it
    const closed = new Promise((resolve) => channel.once('close', resolve));
    const { confirmed } = publishConfirmed(channel, `missing-${randomUUID()}`, 'key', Buffer.from('{}'), {});
    await closed; // the broker closes the channel: the exchange does not exist
    await expect(confirmed).rejects.toThrow(PublishUnconfirmed);
  });

  it('answers what the publishing gave once the broker confirmed it', async () => {
    const channel = await connection.createConfirmChannel();
    const answer = await confirmedWithin(channel, 5000, async () => {
      await publishConfirmed(channel, '', `absent-${randomUUID()}`, Buffer.from('{}'), {}).confirmed; // unroutable, yet confirmed
      return 'published';
    });
    expect(answer).toBe('published');
    await channel.close();
  });

  it('gives up on confirms that do not come in time, or when the channel closes', async () => {
    const channel = await connection.createConfirmChannel();
    await expect(confirmedWithin(channel, 50, never)).rejects.toThrow(new PublishUnconfirmed('the broker did not confirm within 50 ms'));
    const waiting = confirmedWithin(channel, 60_000, never);
    await channel.close();
    await expect(waiting).rejects.toThrow(new PublishUnconfirmed('the broker closed the channel'));
  });
});
