import type { Logger } from '@argus/shared';
import type { DataSource } from 'typeorm';
import type { Disposition, HandleBatch } from '../consumer.js';
import { applicationNames, storeBatch, type StoreResult } from '../store.js';
import type { StoredEventStream } from '../stored-stream.js';
import type { CheckEventOptions } from './check-event.js';
import { planMessage, type MessagePlan } from './plan-message.js';
import { isCausedByData, retryUntilDone } from './retry.js';
import { storedEventMessage } from './rows.js';

export type StorePlan = Extract<MessagePlan, { kind: 'store' }>;

export type BatchHandlerOptions = {
  db: DataSource;
  check: CheckEventOptions;
  stream: StoredEventStream;
  /** Backoff while the database fails; `onRetry` is told of every failed attempt. */
  retry: { initialDelayMs: number; maxDelayMs: number; onRetry?: () => void };
  /** Aborted when the worker stops: a batch waiting for the database is then left to redelivery. */
  signal: AbortSignal;
  log: Logger;
  /** Told of every committed store, with the messages it held. */
  onStored?: (result: StoreResult, plans: readonly StorePlan[]) => void;
};

/**
 * Plans every message of a batch, stores all their rows in one transaction, publishes the stored
 * events to the stream, and says what to do with each message. A database or broker outage is
 * waited out (nothing is acked meanwhile); a batch the
 * database refuses because of what one message holds is retried message by message, so only the
 * message at fault is dead-lettered.
 */
export function createBatchHandler(options: BatchHandlerOptions): HandleBatch {
  const { db, log, stream } = options;
  const retry = { ...options.retry, signal: options.signal, log };
  const store = async (plans: StorePlan[]) => {
    const batch = { events: plans.flatMap((plan) => plan.events), errors: plans.flatMap((plan) => plan.errors) };
    const result = await retryUntilDone('store a batch', () => storeBatch(db, batch), retry);
    // once per batch, not again on each broker retry below
    const names = await retryUntilDone('look up application names', () => applicationNames(db, result.events.map((event) => event.applicationId)), retry);
    await retryUntilDone('publish stored events', () => publish(result.events, names), retry);
    log.debug({ requestIds: plans.flatMap((plan) => plan.requestIds), stored: result.stored, invalid: result.invalid }, 'stored messages');
    options.onStored?.(result, plans);
  };
  const publish = async (events: StoreResult['events'], names: ReadonlyMap<string, string>) => {
    if (events.length === 0) return;
    // in timestamp order (ISO text sorts as time), so that subscribers see a session's events of one batch in order
    const ordered = [...events].sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
    await stream.publish(ordered.map((event) => storedEventMessage(event, names.get(event.applicationId) ?? event.applicationId)));
  };

  return async (contents) => {
    const plans = contents.map((content) => planMessage(content, options.check));
    const dispositions: Disposition[] = plans.map((plan) => (plan.kind === 'store' ? 'ack' : 'dead-letter'));
    plans.forEach((plan) => {
      if (plan.kind === 'dead-letter') log.warn({ reason: plan.reason }, 'dead-lettering a message that is not an ingest message');
    });
    const storable = plans.filter((plan): plan is StorePlan => plan.kind === 'store');
    try {
      await store(storable);
      return dispositions;
    } catch (error) {
      if (!isCausedByData(error)) throw error;
    }
    for (const [index, plan] of plans.entries()) {
      if (plan.kind !== 'store') continue;
      try {
        await store([plan]);
      } catch (error) {
        if (!isCausedByData(error)) throw error;
        log.error({ err: error, requestIds: plan.requestIds }, 'the database refused a message; dead-lettering it');
        dispositions[index] = 'dead-letter';
      }
    }
    return dispositions;
  };
}
