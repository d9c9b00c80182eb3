import type { EventQueue } from './event-queue.js';
import type { QueuedEvent } from './prepare-event.js';

export type BatchLimits = { maxEvents: number; maxBodyBytes: number };

// `{"batch":[` … `],"sent_at":"2026-01-01T00:00:00.000Z"}`: an ISO date is at most 27 characters
const envelopeBytes = '{"batch":[],"sent_at":""}'.length + 27;

/** Takes the next batch off the front of the queue: as many events as fit both limits, at least one. */
export function takeBatch(queue: EventQueue, limits: BatchLimits): QueuedEvent[] {
  const batch: QueuedEvent[] = [];
  let bytes = envelopeBytes;
  for (let next = queue.peek(); next && batch.length < limits.maxEvents; next = queue.peek()) {
    const added = next.bytes + (batch.length > 0 ? 1 : 0);
    if (batch.length > 0 && bytes + added > limits.maxBodyBytes) break;
    bytes += added;
    batch.push(next);
    queue.shift();
  }
  return batch;
}

/** The request body, from the events already serialised; `sent_at` lets the server correct clock skew. */
export function batchBody(batch: readonly QueuedEvent[], sentAt: Date): string {
  return `{"batch":[${batch.map((event) => event.json).join(',')}],"sent_at":${JSON.stringify(sentAt.toISOString())}}`;
}

/** The size of `batchBody(batch, …)` in bytes, at most. */
export const batchBytes = (batch: readonly QueuedEvent[]): number =>
  batch.reduce((sum, event) => sum + event.bytes + 1, envelopeBytes);
