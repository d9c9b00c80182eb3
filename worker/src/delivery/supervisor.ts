import type { Channel, ChannelModel } from 'amqplib';
import { connectBroker, destinationFilterOf, destinationQueueName, type Destination, type Logger, type Topology } from '@argus/shared';
import type { DataSource } from 'typeorm';
import { assignDestinations } from './assignment.js';
import { createBacklogStore } from './backlog.js';
import { startDestinationConsumer, type DestinationConsumer } from './destination-consumer.js';
import type { DeliveryResult, DispatchSettings } from './dispatcher.js';
import type { Membership } from './membership.js';
import { createDeliveryProgress, type DeliveryProgress } from './progress.js';
import { recentIds, type RecentIds } from './recent-ids.js';
import { createReceiverGate, newHealthHolder, type HealthHolder } from './receiver-gate.js';
import type { ReceiverPolicy } from './receiver-health.js';
import { destinationStatus, type DeliveryView, type DestinationStatus } from './status.js';
import { openWakeUps, type WakeUps } from './wake-ups.js';
import { createWebhookSender } from './webhook.js';

export type DeliverySettings = DispatchSettings & {
  prefetch: number;
  /** How long stopping waits for deliveries in hand. */
  stopGraceMs: number;
  receiver: ReceiverPolicy;
};

export type DeliveryOptions = {
  urls: readonly string[];
  topology: Topology;
  db: DataSource;
  /** How often the destinations table is read: stops and starts take effect within it. */
  refreshMs: number;
  /** A running destination with no success for this long since its first failure is paused. */
  pauseAfterMs: number;
  timeoutMs: number;
  /** Whether receivers may be on loopback and private networks (see `refusedAddress`). */
  allowPrivateNetworks: boolean;
  confirmTimeoutMs: number;
  settings: DeliverySettings;
  /** This worker among the delivering workers: it delivers the running destinations assigned to it (see `assignDestinations`). */
  membership: Pick<Membership, 'id' | 'live'>;
  observe: (destinationId: string, result: DeliveryResult) => void;
  /** After each refresh: which destinations run, which this worker delivers, and what it sees of those. */
  report?: (view: DeliveryView) => void;
  log: Logger;
};

type DestinationRow = Pick<Destination, 'id' | 'url' | 'filterApplicationId' | 'filterCategory' | 'filterName' | 'state'> & { signingSecret: string };

type Running = { consumer: DestinationConsumer; version: string };

export type DeliverySupervisor = {
  /** Whether its broker connection is up, so that it can deliver. */
  isConnected(): boolean;
  stop(): Promise<void>;
};

/**
 * Keeps one consumer per running destination assigned to this worker, polling the destinations
 * table and the live delivering workers: starts consumers for the destinations it is given,
 * stops those of destinations stopped, paused or assigned to another worker, restarts one whose
 * channel failed or whose url, secret or filter changed, pauses destinations that have failed
 * for too long, and writes the delivery counters back. Every delivering worker runs one and
 * computes the same assignment; while two workers disagree for a moment (one has not seen a
 * newcomer yet), both may subscribe to a queue, and its single active consumer still lets only
 * one of them deliver.
 */
export async function startDeliverySupervisor(options: DeliveryOptions): Promise<DeliverySupervisor> {
  const { db, log } = options;
  const consumers = new Map<string, Running>();
  const progress = new Map<string, DeliveryProgress>();
  const health = new Map<string, HealthHolder>();
  const recent = new Map<string, RecentIds>();
  const written = new Map<string, string>();
  let depthChannel: Promise<Channel> | undefined;
  let connected: { model: ChannelModel; wakeUps: WakeUps } | undefined;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let refreshing: Promise<void> = Promise.resolve();

  const connection = await connectBroker({
    urls: options.urls,
    name: 'argus-worker-delivery',
    log,
    setup: async (model) => {
      const wakeUps = await openWakeUps(model, { topology: options.topology, confirmTimeoutMs: options.confirmTimeoutMs, isStopping: () => stopping });
      connected = { model, wakeUps };
      // the consumers of the lost connection are dead; the next refresh starts new ones
    },
  });
  connection.on('disconnect', () => {
    connected = undefined;
    depthChannel = undefined;
  });

  const progressOf = (id: string) => {
    let found = progress.get(id);
    if (!found) progress.set(id, (found = createDeliveryProgress(id, db)));
    return found;
  };
  const recentOf = (id: string) => {
    let found = recent.get(id);
    if (!found) recent.set(id, (found = recentIds(recentDeliveriesKept)));
    return found;
  };
  const healthOf = (id: string) => {
    let found = health.get(id);
    if (!found) health.set(id, (found = newHealthHolder()));
    return found;
  };

  async function refresh(): Promise<void> {
    for (const [id, counters] of progress) {
      await counters.flush().catch((error: unknown) => log.warn({ err: error, destination: id }, 'cannot record delivery progress'));
    }
    await pauseFailingDestinations();
    const rows: DestinationRow[] = await db.query(
      `SELECT id, url, signing_secret AS "signingSecret", filter_application_id AS "filterApplicationId",
              filter_category AS "filterCategory", filter_name AS "filterName", state
       FROM destinations`,
    );
    const running = rows.filter((row) => row.state === 'running');
    const owners = assignDestinations(
      running.map((row) => row.id),
      await options.membership.live(),
    );
    const wanted = new Map(running.filter((row) => owners.get(row.id) === options.membership.id).map((row) => [row.id, row]));
    const retired: DestinationConsumer[] = [];
    for (const [id, current] of consumers) {
      const row = wanted.get(id);
      if (!row || !current.consumer.isAlive() || versionOf(row) !== current.version) {
        if (!row && running.some((other) => other.id === id)) log.info({ destination: id, to: owners.get(id) ?? null }, 'handing a destination over to another worker');
        consumers.delete(id);
        // whoever delivers it next writes its row; should it come back, this worker writes again
        written.delete(id);
        retired.push(current.consumer);
      }
    }
    // at once: each may wait its grace for deliveries in hand, and the replacements wait for them all
    await Promise.all(retired.map((consumer) => consumer.stop()));
    const current = connected;
    if (!current) return;
    for (const [id, row] of wanted) {
      if (consumers.has(id) || stopping) continue;
      // one destination that cannot start (its queue refused, say) must not keep the others from starting
      try {
        const consumer = await startDestinationConsumer({
          model: current.model,
          topology: options.topology,
          prefetch: options.settings.prefetch,
          stopGraceMs: options.settings.stopGraceMs,
          dispatch: {
            destination: { id, filter: destinationFilterOf(row) },
            send: createWebhookSender({ id, url: row.url, signingSecret: row.signingSecret }, { timeoutMs: options.timeoutMs, allowPrivateNetworks: options.allowPrivateNetworks }),
            backlog: createBacklogStore(db, id),
            wakeUps: current.wakeUps,
            // the receiver's health outlives the consumer: a restarted one still sends only probes to a receiver that is down
            gate: createReceiverGate(healthOf(id), options.settings.receiver),
            progress: progressOf(id),
            recentlyDelivered: recentOf(id),
            settings: options.settings,
            observe: (result) => options.observe(id, result),
            log,
          },
          log,
        });
        consumers.set(id, { consumer, version: versionOf(row) });
        log.info({ destination: id, worker: options.membership.id }, 'consuming a destination');
      } catch (error) {
        log.error({ err: error, destination: id }, 'cannot start delivering to a destination; trying again at the next refresh');
      }
    }
    for (const { consumer } of consumers.values()) consumer.sweep();
    await reportStatuses(
      current.model,
      running.map((row) => row.id),
    );
  }

  /**
   * What the destinations this worker delivers look like: handed to the metrics with each queue's
   * depth, and written to their rows when it changed (one UPDATE per change, not per event). Only
   * a consumer that has had messages is the active one and knows its receiver: one still waiting
   * for another worker to let go must not write over what that one sees.
   */
  async function reportStatuses(model: ChannelModel, running: string[]): Promise<void> {
    const statuses: DestinationStatus[] = [];
    for (const [id, { consumer }] of consumers) {
      const status = destinationStatus(id, healthOf(id).health, consumer.oldestWaitingAt(), await queueDepth(model, id));
      statuses.push(status);
      if (!consumer.isActive()) continue;
      const row = [status.receiverDownSince, status.nextProbeAt, status.oldestWaitingAt, options.membership.id];
      if (written.get(id) === JSON.stringify(row)) continue;
      await db.query('UPDATE destinations SET receiver_down_since = $2, next_probe_at = $3, oldest_waiting_at = $4, delivering_worker_id = $5 WHERE id = $1', [id, ...row]);
      written.set(id, JSON.stringify(row));
    }
    options.report?.({ running, owned: [...consumers.keys()], statuses });
  }

  async function queueDepth(model: ChannelModel, id: string): Promise<number | null> {
    try {
      const channel = await (depthChannel ??= model.createChannel().then((created) => {
        created.on('error', () => {});
        created.on('close', () => (depthChannel = undefined));
        return created;
      }));
      return (await channel.checkQueue(destinationQueueName(options.topology, id))).messageCount;
    } catch {
      depthChannel = undefined;
      return null;
    }
  }

  /** The circuit breaker: delivering to a receiver that has failed for a day helps no one; its queue and backlog wait. */
  async function pauseFailingDestinations(): Promise<void> {
    // an UPDATE answers [rows, affected] through TypeORM
    const [paused]: [{ id: string }[], number] = await db.query(
      `UPDATE destinations
       SET state = 'paused',
           paused_reason = 'no successful delivery since ' || to_char(failing_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
             || coalesce('; last failure: ' || last_failure_error, '')
       WHERE state = 'running' AND failing_since < $1
       RETURNING id`,
      [new Date(Date.now() - options.pauseAfterMs)],
    );
    for (const { id } of paused) log.warn({ destination: id }, 'paused a destination that keeps failing');
  }

  function scheduleRefresh(): void {
    timer = setTimeout(() => {
      refreshing = refresh()
        .catch((error: unknown) => log.error({ err: error }, 'cannot refresh destinations'))
        .finally(() => {
          if (!stopping) scheduleRefresh();
        });
    }, options.refreshMs);
  }

  refreshing = refresh().catch((error: unknown) => log.error({ err: error }, 'cannot refresh destinations'));
  await refreshing;
  if (!stopping) scheduleRefresh();

  return {
    isConnected: () => connected !== undefined,
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await refreshing;
      await Promise.all([...consumers.values()].map((running) => running.consumer.stop()));
      consumers.clear();
      for (const counters of progress.values()) await counters.flush().catch(() => {});
      await connection.close();
    },
  };
}

/** Event ids kept per destination to spot copies: copies come seconds apart; this is a minute of a destination taking 300 events/s. */
const recentDeliveriesKept = 20_000;

/** What a consumer was started with: a change means a new consumer. */
const versionOf = (row: DestinationRow) => JSON.stringify([row.url, row.signingSecret, destinationFilterOf(row)]);
