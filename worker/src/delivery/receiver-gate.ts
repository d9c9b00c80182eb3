import { afterAttempt, receiverUp, type ReceiverHealth, type ReceiverPolicy } from './receiver-health.js';
import type { DeliveryOutcome } from './webhook.js';

/** A destination's receiver health, kept by the worker across its consumers (a restarted consumer finds it down still). */
export type HealthHolder = { health: ReceiverHealth };

export const newHealthHolder = (): HealthHolder => ({ health: receiverUp });

export type Clock = { now(): number; setTimer(run: () => void, ms: number): { cancel(): void } };

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(run, ms) {
    const timer = setTimeout(run, ms);
    return { cancel: () => clearTimeout(timer) };
  },
};

/** The gate was closed (the consumer stops): a task waiting in line ends without writing or acking. */
export class GateClosed extends Error {
  override name = 'GateClosed';
}

export type ReceiverGate = {
  /**
   * Resolves when task `seq` may go on: at once while the receiver is up. While it is down, tasks
   * wait in line, oldest (lowest `seq`) first, and are let through one at a time when a probe is
   * due: the first attempt the task makes is the probe.
   */
  admit(seq: number): Promise<void>;
  /** Records what an attempt of task `seq` came to. `wait`: the receiver is down, admit again and retry the event. */
  attempted(seq: number, sessionId: string, outcome: DeliveryOutcome): 'go-on' | 'wait';
  /** Task `seq` is done: when it was let through as the probe but sent nothing, the next in line gets the turn. */
  finished(seq: number): void;
  isDown(): boolean;
  /** Rejects every waiting task with GateClosed. */
  close(): void;
};

/**
 * Holds a destination's deliveries while its receiver is down, so that an outage costs one probe
 * per backoff step instead of an attempt, a backlog row and a wake-up per event: the tasks wait
 * here with their messages unacked, and what the broker has not handed out waits in the queue.
 */
export function createReceiverGate(holder: HealthHolder, policy: ReceiverPolicy, clock: Clock = systemClock): ReceiverGate {
  const line: number[] = [];
  const waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  let probe: number | undefined;
  let timer: { cancel(): void } | undefined;
  let closed = false;

  function letThrough(seq: number): void {
    const waiter = waiting.get(seq);
    waiting.delete(seq);
    waiter?.resolve();
  }

  function pump(): void {
    if (closed) return;
    const { health } = holder;
    if (health.kind === 'up') {
      timer?.cancel();
      timer = undefined;
      probe = undefined;
      for (const seq of line.splice(0)) letThrough(seq);
      return;
    }
    if (probe !== undefined || line.length === 0 || timer) return;
    const wait = health.nextProbeAt - clock.now();
    if (wait > 0) {
      timer = clock.setTimer(() => {
        timer = undefined;
        pump();
      }, wait);
      return;
    }
    probe = line.shift()!;
    letThrough(probe);
  }

  return {
    admit(seq) {
      if (closed) return Promise.reject(new GateClosed());
      if (holder.health.kind === 'up') return Promise.resolve();
      const admitted = new Promise<void>((resolve, reject) => waiting.set(seq, { resolve, reject }));
      const at = line.findIndex((other) => other > seq);
      line.splice(at === -1 ? line.length : at, 0, seq);
      pump();
      return admitted;
    },
    attempted(seq, sessionId, outcome) {
      const wasProbe = probe === seq;
      holder.health = afterAttempt(holder.health, { outcome, sessionId, probe: wasProbe }, clock.now(), policy);
      if (wasProbe) probe = undefined;
      const down = holder.health.kind === 'down';
      pump();
      return down ? 'wait' : 'go-on';
    },
    finished(seq) {
      if (probe !== seq) return;
      probe = undefined;
      pump();
    },
    isDown: () => holder.health.kind === 'down',
    close() {
      closed = true;
      timer?.cancel();
      line.splice(0);
      for (const waiter of waiting.values()) waiter.reject(new GateClosed());
      waiting.clear();
    },
  };
}
