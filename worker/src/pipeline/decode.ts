import { decodeIngestMessage } from '@argus/shared';
import type { EventRef, MessageState } from './types.js';

export type Decoded = { messages: MessageState[]; events: EventRef[] };

/**
 * Step 1: broker messages into events. A message that is not an ingest envelope cannot be trusted
 * to hold anything: it alone goes to the dead-letter queue (redelivering it would loop).
 */
export function decode(contents: readonly Buffer[]): Decoded {
  const messages: MessageState[] = [];
  const events: EventRef[] = [];
  contents.forEach((content, message) => {
    const decoded = decodeIngestMessage(content);
    if (!decoded.ok) {
      messages.push({ ok: false, reason: decoded.reason });
      return;
    }
    messages.push({ ok: true });
    for (const request of decoded.message.requests) {
      for (const entry of request.events) events.push({ message, request, id: entry.id, raw: entry.raw });
    }
  });
  return { messages, events };
}
