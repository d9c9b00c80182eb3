import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
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
  const home = await createRabbitHome();
  const node = await prepareRabbitNode(home, `argus-test-${randomBytes(4).toString('hex')}`);
  await node.start().catch(async (error: unknown) => {
    await node.stop();
    await removeRabbitHome(home);
    throw error;
  });
  return {
    url: node.url,
    nodeName: node.name,
    stop: () => node.stop(),
    start: () => node.start(),
    ctl: (...args) => node.ctl(...args),
    async destroy() {
      await node.stop();
      await removeRabbitHome(home);
    },
  };
}

/** One private RabbitMQ node: its process, ports and data, for one broker or a member of a cluster. */
export type RabbitNode = {
  /** The Erlang node name, `<name>@localhost`. */
  readonly name: string;
  readonly url: string;
  /** Where its data and logs are. */
  readonly dir: string;
  /** Whether its process runs now (frozen included). */
  readonly running: boolean;
  readonly frozen: boolean;
  /** Starts it (again, on the same ports and data) and waits until its AMQP port takes connections. */
  start(): Promise<void>;
  /** Stops it cleanly, as an operator would. */
  stop(): Promise<void>;
  /** Kills its Erlang VM with SIGKILL, as a crash would, and waits until its process group is gone. */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT of its Erlang VM: alive to the kernel, silent to its peers and clients. */
  freeze(): void;
  thaw(): void;
  /** The pid of its Erlang VM (beam.smp), not of the start script in front of it. */
  vmPid(): number;
  /** Runs `rabbitmqctl -n <node> <args>` against this node. */
  ctl(...args: string[]): Promise<string>;
};

/**
 * A folder that holds private nodes' data and is their HOME: the one Erlang cookie the nodes of a
 * cluster and rabbitmqctl must share, written before any node starts so that nodes started together
 * do not race to create it.
 */
export async function createRabbitHome(): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'argus-rabbitmq-'));
  // Erlang refuses a cookie file others may read
  await writeFile(join(home, '.erlang.cookie'), randomBytes(20).toString('hex'), { mode: 0o400 });
  watchOverHome(home);
  return home;
}

/** Removes a home whose nodes are all stopped. */
export async function removeRabbitHome(home: string): Promise<void> {
  await rm(home, { recursive: true, force: true });
}

/**
 * Kills every process of the nodes under `home` and removes it once the test process is gone, if
 * destroy() did not remove it first: a test that fails or times out midway, or a jest killed, leaves no
 * node running and no data behind. A process of its own (jest runs test files in a sandbox whose
 * `process` never sees the real one exit); it finds the nodes by the data folder in their environment.
 */
function watchOverHome(home: string): void {
  const script = [
    'while kill -0 "$1" 2>/dev/null && [ -d "$2" ]; do sleep 1; done',
    '[ -d "$2" ] || exit 0',
    'for environ in /proc/[0-9]*/environ; do',
    '  pid=${environ#/proc/}; pid=${pid%/environ}',
    '  grep -qsz "^RABBITMQ_MNESIA_BASE=$2/" "$environ" && kill -9 "$pid" 2>/dev/null',
    'done',
    'rm -rf "$2"',
  ].join('\n');
  spawn('bash', ['-c', script, 'argus-rabbitmq-watch', String(process.pid), home], { stdio: 'ignore', detached: true }).unref();
}

/** Ports given to nodes of this process: a port just freed can come back from the next `freePort()`. */
const portsGiven = new Set<number>();
async function unusedPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (portsGiven.has(port)) continue;
    portsGiven.add(port);
    return port;
  }
}

/**
 * Prepares (does not start) a node named `<shortName>@localhost` with its data under `home/<shortName>`,
 * on free ports; `config` holds more rabbitmq.conf lines.
 */
export async function prepareRabbitNode(home: string, shortName: string, config: string[] = []): Promise<RabbitNode> {
  const dir = join(home, shortName);
  const [amqpPort, distPort] = [await unusedPort(), await unusedPort()];
  const name = `${shortName}@localhost`;
  await mkdir(join(dir, 'log'), { recursive: true });
  await writeFile(join(dir, 'rabbitmq.conf'), [`listeners.tcp.1 = 127.0.0.1:${amqpPort}`, 'loopback_users = none', ...config, ''].join('\n'));
  await writeFile(join(dir, 'enabled_plugins'), '[].\n');
  const env = {
    ...process.env,
    HOME: home, // the Erlang cookie rabbitmqctl and the nodes of a cluster share
    RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'), // absent: the system's names the shared node
    RABBITMQ_NODENAME: name,
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
  let frozen = false;

  function vmPid(): number {
    if (!node?.pid) throw new Error(`RabbitMQ node ${name} is not running`);
    const pid = beamPidInGroup(node.pid);
    if (!pid) throw new Error(`no Erlang VM in the process group of RabbitMQ node ${name}`);
    return pid;
  }

  async function start(): Promise<void> {
    if (!node) {
      // its own process group, so that stopping it can reach the Erlang VM behind the start script
      const started = spawn(join(rabbitmqBin, 'rabbitmq-server'), [], { env, stdio: 'ignore', detached: true });
      // a test that never reaches destroy() must not keep jest waiting on the node: the home's watch stops it
      started.unref();
      node = started;
      frozen = false;
      started.once('exit', () => {
        if (node === started) node = undefined;
      });
    }
    // `rabbitmqctl await_startup` returns seconds before the AMQP listener takes connections: try the port
    await eventually(
      async () => {
        if (!node) throw new Error(`RabbitMQ node ${name} exited while starting; see ${join(dir, 'log')}`);
        const connection = await amqp.connect(url).catch(() => undefined);
        await connection?.close();
        return connection ? true : undefined;
      },
      90_000,
      `RabbitMQ node ${name} to start`,
    );
  }

  async function stop(): Promise<void> {
    const running = node;
    if (!running?.pid) return;
    const exited = once(running, 'exit');
    if (frozen) thaw();
    // SIGTERM makes the start script stop the node cleanly; the group kill is for a node that will not
    killGroup(running.pid, 'SIGTERM');
    const killer = setTimeout(() => killGroup(running.pid!, 'SIGKILL'), 20_000);
    await exited;
    clearTimeout(killer);
    killGroup(running.pid, 'SIGKILL'); // whatever the VM left behind in its group
    if (node === running) node = undefined;
  }

  async function kill(): Promise<void> {
    const running = node;
    if (!running?.pid) return;
    const exited = once(running, 'exit');
    process.kill(vmPid(), 'SIGKILL');
    await exited; // the start script ends with its VM
    killGroup(running.pid, 'SIGKILL');
    frozen = false;
    if (node === running) node = undefined;
  }

  function freeze(): void {
    process.kill(vmPid(), 'SIGSTOP');
    frozen = true;
  }

  function thaw(): void {
    process.kill(vmPid(), 'SIGCONT');
    frozen = false;
  }

  return {
    name,
    url,
    dir,
    get running() {
      return node !== undefined;
    },
    get frozen() {
      return frozen;
    },
    start,
    stop,
    kill,
    freeze,
    thaw,
    vmPid,
    async ctl(...args) {
      const { stdout } = await promisify(execFile)(join(rabbitmqBin, 'rabbitmqctl'), ['-n', name, ...args], { env, timeout: 60_000 });
      return stdout;
    },
  };
}

/**
 * The Erlang VM of a node's process group. The start script runs it in the background (`exec erl`,
 * which execs erlexec, which execs beam.smp) and stays in front of it to turn SIGTERM into a clean stop.
 */
function beamPidInGroup(group: number): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // pid (comm) state ppid pgrp …; comm may hold spaces, so read past its closing parenthesis
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const [, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (comm.startsWith('beam') && Number(pgrp) === group) return Number(entry);
  }
  return undefined;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
