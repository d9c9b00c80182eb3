import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { assertTopology, topologyFor, type Topology } from '@argus/shared';
import { createTestBroker, eventually, silentLog, type TestBroker } from '@argus/shared/testing';
import { startConsumer, type Consumer, type HandleBatch } from '../worker/src/consumer.js';

/**
 * A message the worker fails on every time (a bug it triggers, not a database outage) must not loop
 * forever nor hold up the queue: the worker returns it, and the broker dead-letters it once it has
 * been delivered too often.
 */
describe('a poison message', () => {
  const deliveryLimit = 2;
  let broker: TestBroker;
  let topology: Topology;
  let connection: ChannelModel;
  let channel: ConfirmChannel;
  let consumer: Consumer | undefined;

  beforeAll(async () => {
    broker = createTestBroker();
    topology = topologyFor({ AMQP_PREFIX: broker.prefix, AMQP_DELIVERY_LIMIT: deliveryLimit });
    connection = await amqp.connect(broker.url);
    channel = await connection.createConfirmChannel();
    // declared as api and worker declare it, with this test's small delivery limit
    await assertTopology(channel, topology);
  });
  afterAll(async () => {
    await consumer?.stop();
    await connection.close();
    await broker.drop();
  });

  const publish = async (content: string) => {
    channel.publish(topology.ingestExchange, topology.ingestRoutingKey, Buffer.from(content), { persistent: true });
    await channel.waitForConfirms();
  };

  it('is dead-lettered after the delivery limit while the messages around it are handled once', async () => {
    const handled = new Map<string, number>();
    let poisonAlone = 0;
    // fails the whole batch whenever the poison is in it, as a bug triggered by one message would
    const handleBatch: HandleBatch = async (contents) => {
      const texts = contents.map((content) => content.toString());
      if (texts.includes('poison')) {
        // each delivery of the poison ends in one attempt of it alone, after which it is returned
        if (texts.length === 1) poisonAlone += 1;
        throw new Error('cannot handle this message');
      }
      for (const text of texts) handled.set(text, (handled.get(text) ?? 0) + 1);
      return texts.map(() => 'ack');
    };
    consumer = await startConsumer({
      urls: [broker.url],
      topology,
      prefetch: 50,
      batchMaxMessages: 10,
      batchMaxBytes: 1024 * 1024,
      batchMaxWaitMs: 20,
      concurrency: 1,
      handleBatch,
      log: silentLog,
    });

    for (const content of ['before-1', 'before-2', 'poison', 'after-1', 'after-2']) await publish(content);
    const dead = await eventually(async () => (await channel.get(topology.deadLetterQueue, { noAck: true })) || undefined, 10_000, 'the poison message to be dead-lettered');
    expect(dead.content.toString()).toBe('poison');
    // RabbitMQ counts the returns: at the limit's return it dead-letters instead of delivering again
    expect(dead.properties.headers?.['x-death']?.[0]).toMatchObject({ queue: topology.ingestQueue, reason: 'delivery_limit' });
    // the first delivery and one per return, until the return that reaches the limit
    expect(poisonAlone).toBe(deliveryLimit + 1);

    // a message published after it is handled, and the poison has not come back meanwhile
    await publish('marker');
    await eventually(async () => (handled.has('marker') ? true : undefined), 5000, 'the marker to be handled');
    expect(poisonAlone).toBe(deliveryLimit + 1);
    expect(Object.fromEntries(handled)).toEqual({ 'before-1': 1, 'before-2': 1, 'after-1': 1, 'after-2': 1, marker: 1 });
    await consumer.stop();
    consumer = undefined;
    expect(await channel.checkQueue(topology.deadLetterQueue)).toMatchObject({ messageCount: 0 });
    expect(await channel.checkQueue(topology.ingestQueue)).toMatchObject({ messageCount: 0 });
  });

  it('is dead-lettered after the delivery limit when it crashes every worker that takes it', async () => {
    await publish('crashes its worker');
    let deliveries = 0;
    // a worker that dies holding the message: its connection goes, the message goes back unacknowledged
    while (deliveries <= deliveryLimit + 1) {
      const crashing = await amqp.connect(broker.url);
      const consumerChannel = await crashing.createChannel();
      await consumerChannel.prefetch(1);
      let delivered: string | undefined;
      await consumerChannel.consume(topology.ingestQueue, (message) => (delivered = message?.content.toString()));
      const outcome = await eventually(
        async () => delivered ?? ((await channel.checkQueue(topology.deadLetterQueue)).messageCount > 0 ? 'dead-lettered' : undefined),
        5000,
        'a delivery or the dead-letter queue',
      );
      await crashing.close();
      if (outcome === 'dead-lettered') break;
      expect(outcome).toBe('crashes its worker');
      deliveries += 1;
    }
    expect(deliveries).toBe(deliveryLimit + 1);
    const dead = await eventually(async () => (await channel.get(topology.deadLetterQueue, { noAck: true })) || undefined);
    expect(dead.content.toString()).toBe('crashes its worker');
  });
});
