import type { EpochMicros, ErrorRow, EventRow, IngestRequest, Problem } from '@argus/shared';
import type { KindFields } from '../validation/types.js';

/** One event of a batch and where it came from: its broker message, its request, the id the api gave it, the event as sent. */
export type EventRef = { message: number; request: IngestRequest; id: string; raw: unknown };

/** A step's decision for one event: go on with a value, or end as an invalid event, kept in event_errors with its reasons. */
export type Verdict<T> = { ref: EventRef; ok: true; value: T } | { ref: EventRef; ok: false; error: ErrorRow };

/** What decoding found in one broker message. */
export type MessageState = { ok: true } | { ok: false; reason: string };

/** An event after normalising: the problems found so far, and what later checks can still read. */
export type Normalised = {
  problems: Problem[];
  /** Present when category, name and data are valid: the kind's rules and schema can run. */
  kind?: KindFields;
  schemaVersion?: number;
  sessionId?: string;
  /** Who acted and Segment's attributes, when valid (else the event is invalid anyway). */
  actor: Pick<EventRow, 'userId' | 'anonymousId' | 'context' | 'integrations'>;
  /** Present when the timestamps could be read: stored timestamp (corrected for the client's clock), the client's own, and its clock when sending. */
  times?: { timestamp: EpochMicros; clientTimestamp: EpochMicros; sentAt?: EpochMicros };
};

/** How a batch ended, event by event: what the worker's metrics and logs count. */
export type BatchTally = { stored: number; invalid: number; discarded: number; deferred: number; deadLettered: number };

export type { ErrorRow, EventRow };

export function invalid<T>(ref: EventRef, reasons: Problem[], raw: unknown = ref.raw): Verdict<T> {
  const { request } = ref;
  return {
    ref,
    ok: false,
    error: { eventId: ref.id, applicationId: request.application_id, raw, reasons, receivedAt: request.received_at, requestId: request.request_id },
  };
}
