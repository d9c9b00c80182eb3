import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import { eventually } from '@argus/shared/testing';
import { freePort } from './processes.js';

const rabbitmqBin = '/usr/lib/rabbitmq/bin';

export type PrivateBroker = {
  url: string;
  nodeName: string;
  /** Stops the node as an operator or a crash would take it away; its durable queues survive. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data, and waits until it takes connections. */
  start(): Promise<void>;
  /** Runs `rabbitmqctl -n <node> <args>` against this node. */
  ctl(...args: string[]): Promise<string>;
  /** Stops the node for good and removes its data. */
  destroy(): Promise<void>;
};

/**
 * A RabbitMQ node of this test file's own, on free ports with its data in a temporary folder: one
 * that can be stopped, restarted and put under a resource alarm without touching the shared broker
 * other test files use.
 */
export async function startPrivateBroker(): Promise<PrivateBroker> {
  const dir = await mkdtemp(join(tmpdir(), 'argus-rabbitmq-'));
  const [amqpPort, distPort] = [await freePort(), await freePort()];
  const nodeName = `argus-test-${randomBytes(4).toString('hex')}@localhost`;
  await mkdir(join(dir, 'log'));
  await writeFile(join(dir, 'rabbitmq.conf'), `listeners.tcp.1 = 127.0.0.1:${amqpPort}\nloopback_users = none\n`);
  await writeFile(join(dir, 'enabled_plugins'), '[].\n');
  const env = {
    ...process.env,
    HOME: dir, // the Erlang cookie rabbitmqctl shares with the node
    RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'), // absent: the system's names the shared node
    RABBITMQ_NODENAME: nodeName,
    RABBITMQ_NODE_PORT: String(amqpPort),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_LOGS: join(dir, 'log', 'rabbit.log'),
    ERL_EPMD_ADDRESS: '127.0.0.1',
    ERL_FLAGS: '-kernel inet_dist_use_interface {127,0,0,1}',
  };
  const url = `amqp://guest:guest@127.0.0.1:${amqpPort}`;
  let node: ChildProcess | undefined;

  async function start(): Promise<void> {
    if (node) return;
    // its own process group, so that stopping it can reach the Erlang VM behind the start script
    node = spawn(join(rabbitmqBin, 'rabbitmq-server'), [], { env, stdio: 'ignore', detached: true });
    const started = node;
    started.once('exit', () => {
      if (node === started) node = undefined;
    });
    await eventually(
      async () => {
        if (!node) throw new Error(`the private RabbitMQ node exited while starting; see ${join(dir, 'log')}`);
        const connection = await amqp.connect(url).catch(() => undefined);
        await connection?.close();
        return connection ? true : undefined;
      },
      60_000,
      `RabbitMQ node ${nodeName} to start`,
    );
  }

  async function stop(): Promise<void> {
    const running = node;
    if (!running?.pid) return;
    const exited = once(running, 'exit');
    // SIGTERM makes the start script stop the node cleanly; the group kill is for a node that will not
    process.kill(-running.pid, 'SIGTERM');
    const killer = setTimeout(() => killGroup(running.pid!), 20_000);
    await exited;
    clearTimeout(killer);
    killGroup(running.pid); // whatever the VM left behind in its group
    node = undefined;
  }

  await start().catch(async (error: unknown) => {
    await stop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  });

  return {
    url,
    nodeName,
    stop,
    start,
    async ctl(...args) {
      const { stdout } = await promisify(execFile)(join(rabbitmqBin, 'rabbitmqctl'), ['-n', nodeName, ...args], { env, timeout: 30_000 });
      return stdout;
    },
    async destroy() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
