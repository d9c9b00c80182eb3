import { decodeIngestMessage } from '@argus/shared';
import { checkEvent, type CheckEventOptions } from './check-event.js';
import type { ErrorRow, EventRow } from './rows.js';

/** What becomes of one broker message: its events stored (valid or not), or the whole message dead-lettered. */
export type MessagePlan =
  | { kind: 'store'; requestIds: string[]; receivedAt: string; events: EventRow[]; errors: ErrorRow[] }
  | { kind: 'dead-letter'; reason: string };

export function planMessage(content: Buffer, options: CheckEventOptions): MessagePlan {
  const decoded = decodeIngestMessage(content);
  // not even an envelope: no event inside can be trusted, and redelivering it would loop
  if (!decoded.ok) return { kind: 'dead-letter', reason: decoded.reason };
  const events: EventRow[] = [];
  const errors: ErrorRow[] = [];
  const { requests } = decoded.message;
  for (const request of requests) {
    for (const entry of request.events) {
      const outcome = checkEvent(entry, request, options);
      switch (outcome.kind) {
        case 'valid':
          events.push(outcome.row);
          break;
        case 'invalid':
          errors.push(outcome.row);
          break;
      }
    }
  }
  // ISO 8601 in UTC sorts as text: the earliest receipt is the message's age
  const receivedAt = requests.map((request) => request.received_at).sort()[0] ?? new Date().toISOString();
  return { kind: 'store', requestIds: requests.map((request) => request.request_id), receivedAt, events, errors };
}
