import type { Logger } from '@argus/shared';
import type { MessageState } from './types.js';

/** What becomes of a broker message once its batch ran: acked, or dead-lettered (it could not be decoded). */
export type Disposition = 'ack' | 'dead-letter';

/** Step 6: what the consumer does with each message. Every decoded message is acked, its events all settled. */
export function settle(message: MessageState, log: Logger): Disposition {
  if (message.ok) return 'ack';
  log.warn({ reason: message.reason }, 'dead-lettering a message that is not an ingest message');
  return 'dead-letter';
}
