import type { ReceiverHealth } from './receiver-health.js';

/** A destination as the worker delivering it sees it, for its row and the metrics. */
export type DestinationStatus = {
  id: string;
  receiverDownSince: Date | null;
  nextProbeAt: Date | null;
  oldestWaitingAt: Date | null;
  /** Messages in its queue not yet handed to a consumer; null when the broker cannot be asked. */
  queueDepth: number | null;
};

/** What one worker knows of the destinations after a refresh. */
export type DeliveryView = {
  /** Every running destination. */
  running: readonly string[];
  /** Those this worker delivers (or is about to, once the previous worker lets go). */
  owned: readonly string[];
  /** Of each owned destination. */
  statuses: readonly DestinationStatus[];
};

export function destinationStatus(id: string, health: ReceiverHealth, oldestWaitingAt: Date | null, queueDepth: number | null): DestinationStatus {
  const down = health.kind === 'down';
  return {
    id,
    receiverDownSince: down ? new Date(health.since) : null,
    nextProbeAt: down ? new Date(health.nextProbeAt) : null,
    oldestWaitingAt,
    queueDepth,
  };
}
