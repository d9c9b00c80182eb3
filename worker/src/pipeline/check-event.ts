import type { IngestRequest } from '@argus/shared';
import { checkEnvelope } from '../validation/envelope.js';
import { storabilityProblems, storableCopy } from '../validation/json-safety.js';
import type { ValidatorRegistry } from '../validation/registry.js';
import type { SchemaCatalog } from '../validation/schema-catalog.js';
import { formatTimestamp, parseTimestamp } from '../validation/timestamp.js';
import type { ErrorRow, EventRow } from './rows.js';

export type EventOutcome = { kind: 'valid'; row: EventRow } | { kind: 'invalid'; row: ErrorRow };

export type CheckEventOptions = { registry: ValidatorRegistry; schemas: SchemaCatalog; clockSkewAllowanceMs: number };

/** `data` may nest this deep; the whole event one level more. */
export const maxDataDepth = 32;

/**
 * One event's path through validation: storable at all → envelope → its kind's rules, those in code
 * and the application's registered schema, whose problems are reported together.
 */
export function checkEvent(entry: IngestRequest['events'][number], request: IngestRequest, options: CheckEventOptions): EventOutcome {
  const receivedAt = parseTimestamp(request.received_at)!;
  const invalid = (reasons: ErrorRow['reasons'], raw: unknown = entry.raw): EventOutcome => ({
    kind: 'invalid',
    row: { eventId: entry.id, applicationId: request.application_id, raw, reasons, receivedAt: request.received_at, requestId: request.request_id },
  });

  const unstorable = storabilityProblems(entry.raw, maxDataDepth + 1);
  if (unstorable.length > 0) return invalid(unstorable, storableCopy(entry.raw, maxDataDepth + 1));

  const envelope = checkEnvelope(entry.raw, {
    receivedAt,
    batchSentAt: request.sent_at,
    clockSkewAllowanceMicros: options.clockSkewAllowanceMs * 1000,
  });
  if (!envelope.ok) return invalid(envelope.problems);

  const { event, timestamp, clientTimestamp, sentAt } = envelope.value;
  const schema = options.schemas.check(request.application_id, event);
  const problems = [...options.registry.validate(event), ...schema.problems];
  if (problems.length > 0) return invalid(problems);

  return {
    kind: 'valid',
    row: {
      id: entry.id,
      applicationId: request.application_id,
      sessionId: event.session_id.toLowerCase(),
      category: event.category,
      name: event.name,
      data: event.data,
      timestamp: formatTimestamp(timestamp),
      clientTimestamp: formatTimestamp(clientTimestamp),
      sentAt: sentAt === undefined ? null : formatTimestamp(sentAt),
      receivedAt: request.received_at,
      requestId: request.request_id,
      schemaVersion: schema.version,
      raw: entry.raw,
    },
  };
}
