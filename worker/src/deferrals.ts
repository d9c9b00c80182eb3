import { confirmedPublisher, publishConfirmed, type ConfirmedPublisher, type Topology } from '@argus/shared';
import type { Deferrals } from './pipeline/defer.js';

export type DeferralQueue = Deferrals & Pick<ConfirmedPublisher, 'open' | 'close'>;

/** Puts deferred events back in the ingest queue, as the api does, on a confirm channel of the worker's connection. */
export function createDeferralQueue(options: { topology: Topology; confirmTimeoutMs: number }): DeferralQueue {
  const publisher = confirmedPublisher(options.confirmTimeoutMs);
  return {
    open: publisher.open,
    close: publisher.close,
    defer: (message) =>
      publisher.publish(
        (channel) =>
          publishConfirmed(channel, options.topology.ingestExchange, options.topology.ingestRoutingKey, message, { persistent: true, contentType: 'application/json' })
            .confirmed,
      ),
  };
}
