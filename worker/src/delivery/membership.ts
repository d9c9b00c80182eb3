import type { Logger } from '@argus/shared';
import type { WorkerIdentity, WorkerRegistry } from './worker-registry.js';

export type MembershipOptions = {
  registry: WorkerRegistry;
  self: WorkerIdentity;
  /** How often this worker says it is alive. */
  heartbeatMs: number;
  /** A worker unseen for this long counts as gone: its destinations go to the others. */
  ttlMs: number;
  /**
   * Whether this worker can deliver now (its broker connection is up). It records no heartbeat
   * while it cannot, so that a worker cut off from the broker but not from the database ages out
   * and its destinations go to workers that can deliver them; it is back once it can.
   */
  canDeliver?: () => boolean;
  log: Logger;
};

export type Membership = {
  id: string;
  /** The ids of the delivering workers alive now, this one included once its first heartbeat is in. */
  live(): Promise<string[]>;
  /** Stops the heartbeat and removes this worker: the others take its destinations at their next refresh, without waiting out the TTL. */
  leave(): Promise<void>;
};

/**
 * Keeps this worker among the delivering workers: registers it, then records a heartbeat every
 * `heartbeatMs`. A failed heartbeat is only logged: should the row age out meanwhile, the others
 * take its destinations and this worker, which reads the same table, lets them go.
 */
export async function joinDeliveryWorkers(options: MembershipOptions): Promise<Membership> {
  const { registry, self, log } = options;
  await registry.heartbeat(self);
  let beating: Promise<void> = Promise.resolve();
  let failing = false;
  const timer = setInterval(() => {
    if (options.canDeliver && !options.canDeliver()) return;
    beating = registry.heartbeat(self).then(
      () => {
        if (failing) log.info({ worker: self.id }, 'delivery heartbeat recorded again');
        failing = false;
      },
      (error: unknown) => {
        if (!failing) log.warn({ err: error, worker: self.id }, 'cannot record the delivery heartbeat; other workers take this one\'s destinations if it lasts');
        failing = true;
      },
    );
  }, options.heartbeatMs);
  timer.unref();
  let left = false;
  return {
    id: self.id,
    live: () => (left ? Promise.resolve([]) : registry.live(options.ttlMs)),
    async leave() {
      if (left) return;
      left = true;
      clearInterval(timer);
      // a heartbeat landing after the delete would bring the row back for a TTL
      await beating;
      await registry.remove(self.id).catch((error: unknown) => log.warn({ err: error, worker: self.id }, 'cannot remove this worker from the delivering workers; its row ages out'));
    },
  };
}
