import { z } from 'zod';

/**
 * One broker message carries the events of one accepted request. Batching at this hop is what lets
 * a batched POST reach tens of thousands of events per second: the broker confirms messages, not events.
 * Each event travels exactly as the client sent it (`raw`); the worker validates it.
 */
export const ingestMessageSchema = z.object({
  v: z.literal(1),
  application_id: z.guid(),
  request_id: z.string(),
  received_at: z.iso.datetime(),
  /** The client's clock when it sent the whole batch, if it said so; an event's own `sent_at` wins. */
  sent_at: z.unknown().optional(),
  events: z.array(z.object({ id: z.guid(), raw: z.unknown() })),
});
export type IngestMessage = z.infer<typeof ingestMessageSchema>;

export type IngestMessageMeta = Omit<IngestMessage, 'v' | 'events'>;
/** An event already serialised by the api, so it is never stringified twice. */
export type SerialisedEvent = { id: string; json: string };

export function encodeIngestMessage(meta: IngestMessageMeta, events: readonly SerialisedEvent[]): Buffer {
  const head = JSON.stringify({ v: 1, ...meta });
  const body = events.map((event) => `{"id":${JSON.stringify(event.id)},"raw":${event.json}}`).join(',');
  return Buffer.from(`${head.slice(0, -1)},"events":[${body}]}`);
}

export type DecodedIngestMessage = { ok: true; message: IngestMessage } | { ok: false; reason: string };

export function decodeIngestMessage(content: Buffer): DecodedIngestMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
  const result = ingestMessageSchema.safeParse(parsed);
  if (!result.success) return { ok: false, reason: `not an ingest message: ${z.prettifyError(result.error)}` };
  return { ok: true, message: result.data };
}
