import { decodeIngestMessage } from '@argus/shared';
import { checkEvent, type CheckEventOptions } from './check-event.js';
import type { ErrorRow, EventRow } from './rows.js';

/** What becomes of one broker message: its events stored (valid or not), or the whole message dead-lettered. */
export type MessagePlan =
  | { kind: 'store'; requestId: string; receivedAt: string; events: EventRow[]; errors: ErrorRow[] }
  | { kind: 'dead-letter'; reason: string };

export function planMessage(content: Buffer, options: CheckEventOptions): MessagePlan {
  const decoded = decodeIngestMessage(content);
  // not even an envelope: no event inside can be trusted, and redelivering it would loop
  if (!decoded.ok) return { kind: 'dead-letter', reason: decoded.reason };
  const events: EventRow[] = [];
  const errors: ErrorRow[] = [];
  for (const entry of decoded.message.events) {
    const outcome = checkEvent(entry, decoded.message, options);
    switch (outcome.kind) {
      case 'valid':
        events.push(outcome.row);
        break;
      case 'invalid':
        errors.push(outcome.row);
        break;
    }
  }
  return { kind: 'store', requestId: decoded.message.request_id, receivedAt: decoded.message.received_at, events, errors };
}
