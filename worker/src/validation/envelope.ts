import { eventKindName } from '@argus/shared';
import { z } from 'zod';
import type { IncomingEvent, Problem } from './types.js';
import { parseTimestamp, type EpochMicros } from './timestamp.js';
import { problemsFromZod } from './zod-problems.js';

const timestampText = z.string().refine((text) => parseTimestamp(text) !== undefined, {
  message: 'must be a timestamp such as "2023-01-01 09:15:27.243860" or ISO 8601',
});

/** The fields every event has, whatever its kind. Unknown top-level fields are refused, not dropped. */
const envelopeSchema = z.strictObject({
  event_id: z.guid().optional(),
  session_id: z.guid('must be a UUID'),
  category: eventKindName(),
  name: eventKindName(),
  data: z.record(z.string(), z.unknown(), 'must be an object'),
  timestamp: timestampText,
  sent_at: timestampText.optional(),
  schema_version: z.number('must be a number').int('must be a whole number').positive('must be 1 or more').optional(),
});

export type CheckedEnvelope = {
  event: IncomingEvent;
  /** When the client says it happened, by its own clock. */
  clientTimestamp: EpochMicros;
  /** The client's clock when it sent the event, if it said. */
  sentAt?: EpochMicros;
  /** When it happened by the server's clock: received_at − (sent_at − timestamp) when sent_at is known. */
  timestamp: EpochMicros;
};

export type EnvelopeContext = {
  receivedAt: EpochMicros;
  /** The batch's `sent_at`, used when the event has none of its own. */
  batchSentAt?: unknown;
  /** How far ahead of the server a timestamp may be before it counts as "in the future". */
  clockSkewAllowanceMicros: number;
};

export function checkEnvelope(raw: unknown, context: EnvelopeContext): { ok: true; value: CheckedEnvelope } | { ok: false; problems: Problem[] } {
  const result = envelopeSchema.safeParse(raw);
  if (!result.success) return { ok: false, problems: problemsFromZod(result.error) };
  const { event_id: _id, sent_at: ownSentAt, ...event } = result.data;

  const clientTimestamp = parseTimestamp(event.timestamp)!;
  let sentAt: EpochMicros | undefined;
  if (ownSentAt !== undefined) sentAt = parseTimestamp(ownSentAt);
  else if (context.batchSentAt !== undefined) {
    sentAt = typeof context.batchSentAt === 'string' ? parseTimestamp(context.batchSentAt) : undefined;
    if (sentAt === undefined) return { ok: false, problems: [{ path: 'sent_at', message: "the batch's sent_at is not a timestamp" }] };
  }
  const timestamp = sentAt === undefined ? clientTimestamp : context.receivedAt - (sentAt - clientTimestamp);
  if (timestamp > context.receivedAt + context.clockSkewAllowanceMicros) {
    const aheadSeconds = Math.round((timestamp - context.receivedAt) / 1e6);
    return { ok: false, problems: [{ path: 'timestamp', message: `is in the future (${aheadSeconds} s after it was received)` }] };
  }
  return { ok: true, value: { event, clientTimestamp, sentAt, timestamp } };
}
