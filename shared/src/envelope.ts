import { z } from 'zod';

const ingestRequestSchema = z.object({
  application_id: z.guid(),
  request_id: z.string(),
  received_at: z.iso.datetime(),
  /** The client's clock when it sent the whole batch, if it said so; an event's own `sent_at` wins. */
  sent_at: z.unknown().optional(),
  /** An operator sent these events through again (admin panel): one that now passes moves from event_errors to events. */
  replay: z.literal(true).optional(),
  events: z.array(z.object({ id: z.guid(), raw: z.unknown() })),
});
/**
 * One broker message carries the events of one or more accepted requests: a request's events always
 * travel together, and under load requests share messages. Batching at this hop is what lets
 * ingestion outrun the broker's message rate: the broker confirms messages, not events.
 * Each event travels exactly as the client sent it (`raw`); the worker validates it.
 */
export const ingestMessageSchema = z.object({ v: z.literal(1), requests: z.array(ingestRequestSchema) });
export type IngestMessage = z.infer<typeof ingestMessageSchema>;
export type IngestRequest = z.infer<typeof ingestRequestSchema>;

export type IngestRequestMeta = Omit<IngestRequest, 'events'>;
/** An event already serialised by the api, so it is never stringified twice. */
export type SerialisedEvent = { id: string; json: string };

/** One accepted request as JSON text: its events are serialised once, here. */
export function encodeIngestRequest(meta: IngestRequestMeta, events: readonly SerialisedEvent[]): string {
  const head = JSON.stringify(meta);
  const body = events.map((event) => `{"id":${JSON.stringify(event.id)},"raw":${event.json}}`).join(',');
  return `${head.slice(0, -1)},"events":[${body}]}`;
}

/** A message of already-encoded requests (see encodeIngestRequest). */
export function encodeIngestMessage(requests: readonly string[]): Buffer {
  return Buffer.from(`{"v":1,"requests":[${requests.join(',')}]}`);
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
