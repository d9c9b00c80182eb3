import { randomBytes } from 'node:crypto';
import { eventually } from '@argus/shared/testing';
import { createRabbitHome, prepareRabbitNode, removeRabbitHome, type RabbitNode } from './private-broker.js';

export type ClusterNode = {
  /** The Erlang node name, `<name>@localhost`, as RabbitMQ reports it (a queue's leader, cluster_status). */
  name: string;
  url: string;
  /** Stops the node cleanly, as an operator would. */
  stop(): Promise<void>;
  /** Kills its Erlang VM with SIGKILL, as a crash or a power cut would. */
  kill(): Promise<void>;
  /** SIGSTOP of its Erlang VM: a node that hangs, its sockets open, answering nothing. */
  freeze(): void;
  /**
   * SIGCONT: the frozen node runs on; resolves once it is back in the cluster (frozen longer than the net
   * tick time, its peers had dropped it: it pauses as the minority, then rejoins).
   */
  thaw(): Promise<void>;
  /** Starts it again on the same ports and data; resolves once it takes connections and runs in the cluster again. */
  start(): Promise<void>;
  /** Runs `rabbitmqctl -n <node> <args>` against this node. */
  ctl(...args: string[]): Promise<string>;
  /** The pid of its Erlang VM. */
  vmPid(): number;
};

export type PrivateCluster = {
  /** One AMQP URL per node, in node order. */
  urls: string[];
  /** The same, comma-separated: what `AMQP_URL` takes for a cluster. */
  url: string;
  nodes: ClusterNode[];
  /** The node of that name (`leaderOf` answers names). */
  node(name: string): ClusterNode;
  /** Runs `rabbitmqctl <args>` against a node that runs now (neither stopped nor frozen). */
  ctl(...args: string[]): Promise<string>;
  /** The nodes running in the cluster, as a running node sees them. */
  runningNodes(): Promise<string[]>;
  /** The name of the node that leads this quorum queue now, as a running node sees it. */
  leaderOf(queue: string, vhost?: string): Promise<string>;
  /** Waits until the queue is led by a running node other than `previous`, and answers it. */
  awaitNewLeader(queue: string, previous: string, timeoutMs?: number, vhost?: string): Promise<string>;
  /** Stops every node and removes all their data. */
  destroy(): Promise<void>;
};

export type ClusterOptions = {
  size?: number;
  /**
   * How long a node that answers nothing (frozen) takes to be declared down by its peers, about; RabbitMQ's
   * default is 60 s (the peers notice after 45 to 75 s). A crashed or stopped node is noticed at once anyway.
   */
  netTicktimeSeconds?: number;
};

/** What an operator runs to add a node to a cluster: the node's application stops, it joins, it starts again. */
async function joinCluster(member: RabbitNode, to: RabbitNode): Promise<void> {
  await member.ctl('stop_app');
  await member.ctl('join_cluster', to.name);
  await member.ctl('start_app');
}

/**
 * A RabbitMQ cluster of this test file's own on loopback: `size` private nodes sharing one HOME (the
 * Erlang cookie), started together, then joined to the first. Nodes can be stopped, killed, frozen and
 * started again without touching the shared broker other test files use.
 */
export async function startPrivateCluster({ size = 3, netTicktimeSeconds }: ClusterOptions = {}): Promise<PrivateCluster> {
  const home = await createRabbitHome();
  const prefix = `argus-cluster-${randomBytes(4).toString('hex')}`;
  const config = [
    // what a cluster of three should run with: a node cut off from the others stops serving, and rejoins when it can
    'cluster_partition_handling = pause_minority',
    ...(netTicktimeSeconds ? [`net_ticktime = ${netTicktimeSeconds}`] : []),
  ];
  const first = await prepareRabbitNode(home, `${prefix}-1`, config);
  const others: RabbitNode[] = [];
  for (let index = 2; index <= size; index++) others.push(await prepareRabbitNode(home, `${prefix}-${index}`, config));
  const members = [first, ...others];

  async function destroy(): Promise<void> {
    await Promise.all(members.map((member) => member.stop()));
    await removeRabbitHome(home);
  }

  /** A node that answers now: neither stopped, killed nor frozen. */
  function answering(): RabbitNode {
    const member = members.find((candidate) => candidate.running && !candidate.frozen);
    if (!member) throw new Error('no node of the private cluster runs');
    return member;
  }

  async function clusterStatusSeenBy(member: RabbitNode): Promise<{ running_nodes: string[]; partitions: Record<string, string[]> }> {
    return JSON.parse(await member.ctl('cluster_status', '--formatter', 'json')) as { running_nodes: string[]; partitions: Record<string, string[]> };
  }

  async function runningNodesSeenBy(member: RabbitNode): Promise<string[]> {
    return (await clusterStatusSeenBy(member)).running_nodes;
  }

  async function leaderOf(queue: string, vhost = '/'): Promise<string> {
    const rows = JSON.parse(await answering().ctl('list_queues', '-p', vhost, 'name', 'leader', '--formatter', 'json')) as { name: string; leader: string }[];
    const row = rows.find((candidate) => candidate.name === queue);
    if (!row?.leader) throw new Error(`no quorum queue ${queue} in vhost ${vhost}`);
    return row.leader;
  }

  /** Resolves once the node takes connections, and it and another node that answers see every such node running, without a partition. */
  async function awaitInCluster(member: RabbitNode): Promise<void> {
    await member.start(); // starts it if it is not running; waits for its AMQP port in any case
    await eventually(
      async () => {
        const live = members.filter((candidate) => candidate.running && !candidate.frozen);
        const witness = live.find((candidate) => candidate !== member);
        for (const seer of witness ? [member, witness] : [member]) {
          const status = await clusterStatusSeenBy(seer).catch(() => undefined);
          const partitioned = Object.keys(status?.partitions ?? {}).length > 0;
          if (!status || partitioned || !live.every((candidate) => status.running_nodes.includes(candidate.name))) return undefined;
        }
        return true;
      },
      90_000,
      `${member.name} to run in the cluster again`,
    );
  }

  try {
    // a node boots in seconds and mostly waits: the three boot side by side
    await Promise.all(members.map((member) => member.start()));
    // side by side too (about 4 s for both instead of 6 s one after the other); a join that fails is tried once more
    await Promise.all(others.map((member) => joinCluster(member, first).catch(() => joinCluster(member, first))));
    await eventually(
      async () => ((await runningNodesSeenBy(first)).length === size ? true : undefined),
      30_000,
      `${size} nodes running in the cluster`,
    );
  } catch (error) {
    await destroy();
    throw error;
  }

  const nodes: ClusterNode[] = members.map((member) => ({
    name: member.name,
    url: member.url,
    stop: () => member.stop(),
    kill: () => member.kill(),
    freeze: () => member.freeze(),
    async thaw() {
      member.thaw();
      await awaitInCluster(member);
    },
    start: () => awaitInCluster(member),
    ctl: (...args) => member.ctl(...args),
    vmPid: () => member.vmPid(),
  }));

  return {
    urls: members.map((member) => member.url),
    url: members.map((member) => member.url).join(','),
    nodes,
    node(name) {
      const found = nodes.find((candidate) => candidate.name === name);
      if (!found) throw new Error(`no node ${name} in the private cluster (${nodes.map((candidate) => candidate.name).join(', ')})`);
      return found;
    },
    ctl: (...args) => answering().ctl(...args),
    runningNodes: () => runningNodesSeenBy(answering()),
    leaderOf,
    async awaitNewLeader(queue, previous, timeoutMs = 30_000, vhost = '/') {
      return eventually(
        async () => {
          const leader = await leaderOf(queue, vhost).catch(() => undefined);
          const live = members.filter((candidate) => candidate.running && !candidate.frozen).map((candidate) => candidate.name);
          return leader && leader !== previous && live.includes(leader) ? leader : undefined;
        },
        timeoutMs,
        `a new leader of ${queue} other than ${previous}`,
      );
    },
    destroy,
  };
}
