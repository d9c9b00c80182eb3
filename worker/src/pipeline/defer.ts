import { encodeIngestMessage, encodeIngestRequest, type IngestRequest } from '@argus/shared';
import type { EventRef } from './types.js';

/** Where events whose check waits for a later batch go: the ingest queue again, or a fake in tests. */
export type Deferrals = {
  /** Resolves once the broker holds the message: only then may the batch that carried them be acked. */
  defer(message: Buffer): Promise<void>;
};

/**
 * Step 6: the events whose application's schema checks took its share of this batch's time (see
 * ThreadSettings.shareMs) go back to the ingest queue, in one message behind those waiting there,
 * each with its request as it came (ids, receipt time, `sent_at`), so that a later batch decides
 * them exactly as this one would have. The batch is acked only after that, and a crash in between
 * sends them again: the event ids keep them stored once.
 */
export async function defer(events: readonly EventRef[], deferrals: Deferrals): Promise<void> {
  if (events.length === 0) return;
  await deferrals.defer(deferralMessage(events));
}

/** The events as one ingest message, grouped by the request each came in. */
export function deferralMessage(events: readonly EventRef[]): Buffer {
  const byRequest = new Map<IngestRequest, EventRef[]>();
  for (const event of events) byRequest.set(event.request, [...(byRequest.get(event.request) ?? []), event]);
  return encodeIngestMessage(
    [...byRequest].map(([{ events: _all, ...meta }, refs]) => encodeIngestRequest(meta, refs.map((ref) => ({ id: ref.id, json: JSON.stringify(ref.raw) })))),
  );
}
