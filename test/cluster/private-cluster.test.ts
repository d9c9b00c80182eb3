import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { startPrivateCluster, type ClusterNode, type PrivateCluster } from '../support/private-cluster.js';

/** Publishes one message and resolves once the broker confirms it; rejects on a nack or after `timeoutMs`. */
async function publishConfirmed(channel: ConfirmChannel, queue: string, body: string, timeoutMs = 5_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const confirmed = new Promise<void>((resolve, reject) => {
    channel.sendToQueue(queue, Buffer.from(body), { persistent: true }, (error) => (error ? reject(new Error('nacked')) : resolve()));
  });
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no confirm within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([confirmed, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Publishes until a confirm channel gets the message acked. A channel whose publish fell during a
 * leader election keeps nacking while the dead member stays down: each attempt takes a fresh channel.
 */
async function publishUntilConfirmed(connection: ChannelModel, queue: string, body: string, timeoutMs: number): Promise<{ attempts: number }> {
  const deadline = Date.now() + timeoutMs;
  for (let attempts = 1; ; attempts++) {
    const channel = await connection.createConfirmChannel();
    channel.on('error', () => undefined); // a channel closed by the broker rejects the publish too
    try {
      await publishConfirmed(channel, queue, body, 3_000);
      await channel.close();
      return { attempts };
    } catch (error) {
      await channel.close().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`no confirmed publish to ${queue} within ${timeoutMs} ms: ${String(error)}`);
      await sleep(200);
    }
  }
}

/** The helper the failover tests stand on: three real RabbitMQ nodes on loopback, one cluster. */
describe('a private RabbitMQ cluster', () => {
  let cluster: PrivateCluster;
  const connections: ChannelModel[] = [];
  const connect = async (url: string) => {
    const connection = await amqp.connect(url);
    connection.on('error', () => undefined); // a killed node drops its connections; the test decides what that means
    connections.push(connection);
    return connection;
  };

  beforeAll(async () => {
    const started = Date.now();
    cluster = await startPrivateCluster();
    console.log(`private cluster of 3 nodes started in ${Date.now() - started} ms`);
  }, 180_000);
  afterAll(async () => {
    for (const connection of connections) await connection.close().catch(() => undefined);
    await cluster?.destroy();
  }, 90_000);

  it('runs three nodes that see each other', async () => {
    expect(cluster.urls).toHaveLength(3);
    expect(cluster.url).toBe(cluster.urls.join(','));
    expect(new Set(cluster.urls).size).toBe(3);
    for (const node of cluster.nodes) {
      const status = JSON.parse(await node.ctl('cluster_status', '--formatter', 'json')) as { running_nodes: string[] };
      expect([...status.running_nodes].sort()).toEqual(cluster.nodes.map((each) => each.name).sort());
    }
  }, 60_000);

  it('serves a quorum queue declared through one node through the others', async () => {
    const [first, second, third] = cluster.nodes as [ClusterNode, ClusterNode, ClusterNode];
    const queue = 'smoke.shared';
    const declaring = await (await connect(first.url)).createChannel();
    await declaring.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    // the leader lands on the node of the connection that declared it; every node holds a replica
    expect(await cluster.leaderOf(queue)).toBe(first.name);
    const [row] = (JSON.parse(await second.ctl('list_queues', 'name', 'members', '--formatter', 'json')) as { name: string; members: string[] }[]).filter((each) => each.name === queue);
    expect([...(row?.members ?? [])].sort()).toEqual(cluster.nodes.map((node) => node.name).sort());

    const publishing = await (await connect(second.url)).createConfirmChannel();
    await publishConfirmed(publishing, queue, 'through the second node');
    const consuming = await (await connect(third.url)).createChannel();
    const message = await consuming.get(queue, { noAck: true });
    expect(message && message.content.toString()).toBe('through the second node');
  }, 60_000);

  it('freezes a node by its Erlang VM, and thaws it back into the cluster', async () => {
    const node = cluster.nodes[2]!;
    const vmState = async () => (await readFile(`/proc/${node.vmPid()}/stat`, 'utf8')).split(') ')[1]!.charAt(0);
    expect(await readFile(`/proc/${node.vmPid()}/comm`, 'utf8')).toMatch(/^beam/);
    node.freeze();
    expect(await vmState()).toBe('T'); // stopped, not the start script in front of it
    await sleep(1_000);
    await node.thaw();
    expect(await vmState()).not.toBe('T');
    expect((await cluster.runningNodes()).sort()).toEqual(cluster.nodes.map((each) => each.name).sort());
  }, 60_000);

  it('elects a new leader and takes confirmed publishes through a surviving node when the leader is killed, and takes the node back', async () => {
    const queue = 'smoke.failover';
    const declaring = await (await connect(cluster.urls[0]!)).createChannel();
    await declaring.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    const leader = cluster.node(await cluster.leaderOf(queue));
    const survivor = cluster.nodes.find((node) => node !== leader)!;
    // a client already connected to a surviving node when the leader dies, as a running process would be
    const survivorConnection = await connect(survivor.url);
    await publishConfirmed(await survivorConnection.createConfirmChannel(), queue, 'before the crash');

    const vmPid = leader.vmPid();
    const killedAt = Date.now();
    await leader.kill();
    expect(() => process.kill(vmPid, 0)).toThrow(); // the Erlang VM itself is gone, not only its start script

    const { attempts } = await publishUntilConfirmed(survivorConnection, queue, 'after the crash', 20_000);
    const confirmedMs = Date.now() - killedAt;
    const newLeader = await cluster.awaitNewLeader(queue, leader.name, 30_000);
    console.log(`leader ${leader.name} killed: publish confirmed after ${confirmedMs} ms (${attempts} attempt(s)), new leader ${newLeader} seen after ${Date.now() - killedAt} ms`);
    expect(newLeader).not.toBe(leader.name);
    expect((await cluster.runningNodes()).sort()).toEqual(cluster.nodes.filter((node) => node !== leader).map((node) => node.name).sort());

    const restartedAt = Date.now();
    await leader.start();
    console.log(`${leader.name} back in the cluster after ${Date.now() - restartedAt} ms`);
    expect((await cluster.runningNodes()).sort()).toEqual(cluster.nodes.map((node) => node.name).sort());
    // both messages are there, read through the node that came back
    const reading = await (await connect(leader.url)).createChannel();
    const bodies: string[] = [];
    for (let message = await reading.get(queue, { noAck: true }); message; message = await reading.get(queue, { noAck: true })) bodies.push(message.content.toString());
    expect(bodies).toEqual(['before the crash', 'after the crash']);
  }, 150_000);
});
