import { randomUUID } from 'node:crypto';
import amqp, { type ChannelModel, type ConsumeMessage } from 'amqplib';
import type { StoredEventMessage } from '@argus/shared';
import { eventually } from '@argus/shared/testing';
import { sampleEvent, startStack, type TestStack } from './support/stack.js';

/** Every stored event is published to the topic exchange, routed by `<application>.<category>.<name>`. */
describe('stream of stored events', () => {
  let stack: TestStack;
  let connection: ChannelModel;

  beforeAll(async () => {
    stack = await startStack();
    connection = await amqp.connect(stack.broker.url);
    await stack.startWorker();
  });
  afterAll(async () => {
    await connection.close();
    await stack.stop();
  });

  /** A queue of our own bound with `pattern`, collecting what arrives. */
  async function subscribe(pattern: string): Promise<{ received: ConsumeMessage[] }> {
    const channel = await connection.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, stack.broker.topology.storedEventsExchange, pattern);
    const received: ConsumeMessage[] = [];
    await channel.consume(queue, (message) => message && received.push(message), { noAck: true });
    return { received };
  }

  async function accept(token: string, events: unknown[]): Promise<string[]> {
    const response = await stack.post(events, { token });
    expect(response.status).toBe(202);
    return ((await response.json()) as { ids: string[] }).ids;
  }

  const session = () => randomUUID();
  const formSubmit = () =>
    sampleEvent({ session_id: session(), category: 'form interaction', name: 'submit', data: { host: 'h', path: '/', form: { email: 'a@b.c' } } });

  it("delivers exactly an application's stored events of the kinds a pattern names", async () => {
    const shop = await stack.tokenFor('Shop Front');
    const other = await stack.tokenFor('other');
    const pageInteractions = await subscribe('shop_front.page_interaction.*');
    const everything = await subscribe('#');

    const [click, pageView] = (await accept(shop.token, [
      sampleEvent({ session_id: session() }),
      sampleEvent({ session_id: session(), name: 'page view', data: { host: 'h', path: '/p' } }),
    ])) as [string, string];
    const [submit, invalid] = (await accept(shop.token, [formSubmit(), sampleEvent({ session_id: session(), data: { host: 'h' } })])) as [string, string];
    const [othersClick] = (await accept(other.token, [sampleEvent({ session_id: session() })])) as [string];

    const stored = [click, pageView, submit, othersClick];
    await eventually(async () => (everything.received.length >= stored.length ? true : undefined), 15_000, 'the stored events to be published');
    expect(everything.received.map((message) => message.properties.messageId).sort()).toEqual([...stored].sort());
    expect(pageInteractions.received.map((message) => message.properties.messageId).sort()).toEqual([click, pageView].sort());
    expect(everything.received.map((message) => message.properties.messageId)).not.toContain(invalid);

    const byId = new Map(everything.received.map((message) => [message.properties.messageId as string, message]));
    expect(byId.get(click)!.fields.routingKey).toBe('shop_front.page_interaction.cta_click');
    expect(byId.get(submit)!.fields.routingKey).toBe('shop_front.form_interaction.submit');
    expect(byId.get(othersClick)!.fields.routingKey).toBe('other.page_interaction.cta_click');
    const body = JSON.parse(byId.get(click)!.content.toString()) as StoredEventMessage;
    expect(body).toMatchObject({ id: click, application: 'Shop Front', application_id: shop.applicationId, category: 'page interaction', name: 'cta click' });
    expect(body.timestamp).toBe('2023-01-01T09:15:27.243860Z');
  });
});
