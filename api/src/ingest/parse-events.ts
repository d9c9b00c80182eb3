import { randomUUID } from 'node:crypto';
import { inexactNumbers, uuidPattern, type SerialisedEvent } from '@argus/shared';
import { badRequest, payloadTooLarge } from '../errors.js';

export type IngestLimits = { maxEventBytes: number; maxBatchEvents: number };
export type ParsedEvents = { events: SerialisedEvent[]; sentAt?: unknown };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Checks only what the api must: the body is one event object, an array of them, or a
 * `{ "batch": [...], "sent_at": ... }` object, within the limits, and holds no number that parsing
 * would change (events are stored as sent, or refused). Fields are the worker's business. Each event
 * gets its id here (the client's `event_id`, or a new one), since the 202 answers with it.
 */
export function parseEvents(body: Buffer, limits: IngestLimits): ParsedEvents {
  const { items, sentAt } = batchOf(parseJsonBody(body));
  return { events: serialiseEvents(items, limits), sentAt };
}

/** A body as JSON text that parses, in UTF-8, holding no number that parsing would change. */
export function parseJsonBody(body: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw badRequest('invalid_encoding', 'body is not valid UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw badRequest('invalid_json', `body is not valid JSON: ${(error as Error).message}`);
  }
  const inexact = inexactNumbers(text);
  if (inexact.length > 0) {
    throw badRequest(
      'inexact_number',
      `the body holds numbers that cannot be kept exactly as sent (${inexact.join(', ')}): beyond ±1.8e308, closer to 0 than 5e-324, or with more significant digits than a 64-bit float holds (integers past ±2^53 among them); send them as strings`,
      inexact.map((literal) => ({ path: '', message: `${literal} cannot be kept exactly` })),
    );
  }
  return parsed;
}

/** A batch's events within the limits, each with its id and serialised once. */
export function serialiseEvents(items: readonly unknown[], limits: IngestLimits): SerialisedEvent[] {
  if (items.length === 0) throw badRequest('empty_batch', 'the batch holds no events');
  if (items.length > limits.maxBatchEvents) {
    throw payloadTooLarge('batch_too_large', `a batch holds at most ${limits.maxBatchEvents} events; this one has ${items.length}`);
  }
  return items.map((item, index) => serialiseEvent(item, index, limits.maxEventBytes));
}

function batchOf(parsed: unknown): { items: unknown[]; sentAt?: unknown } {
  if (Array.isArray(parsed)) return { items: parsed };
  if (isObject(parsed) && 'batch' in parsed) {
    if (!Array.isArray(parsed.batch)) throw badRequest('invalid_body', '"batch" must be an array of events');
    return { items: parsed.batch, sentAt: parsed.sent_at };
  }
  if (isObject(parsed)) return { items: [parsed] };
  throw badRequest('invalid_body', 'body must be an event object, an array of events, or {"batch": [...]}');
}

function serialiseEvent(item: unknown, index: number, maxEventBytes: number): SerialisedEvent {
  const path = `[${index}]`;
  if (!isObject(item)) throw badRequest('invalid_event', `event ${index} is not an object`, [{ path, message: 'must be an object' }]);
  const id = eventIdOf(item, path);
  let json: string;
  try {
    json = JSON.stringify(item);
  } catch {
    // only a structure too deep for the serialiser gets here; JSON text cannot hold cycles
    throw badRequest('invalid_event', `event ${index} is nested too deeply`, [{ path, message: 'nested too deeply' }]);
  }
  const bytes = Buffer.byteLength(json);
  if (bytes > maxEventBytes) {
    throw payloadTooLarge('event_too_large', `event ${index} is ${bytes} bytes; an event may have at most ${maxEventBytes}`, [
      { path, message: `${bytes} bytes > ${maxEventBytes}` },
    ]);
  }
  return { id, json };
}

function eventIdOf(event: Record<string, unknown>, path: string): string {
  const offered = event.event_id;
  if (offered === undefined) return randomUUID();
  if (typeof offered === 'string' && uuidPattern.test(offered)) return offered.toLowerCase();
  throw badRequest('invalid_event_id', `${path}.event_id must be a UUID (it makes retries idempotent)`, [
    { path: `${path}.event_id`, message: 'must be a UUID' },
  ]);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
