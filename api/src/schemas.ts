import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import {
  formatTimestamp,
  incomingEventSchema as incomingEventContract,
  ingestBodySchema as ingestBodyContract,
  parseTimestamp,
  storedEventSchema as storedEventContract,
  timestampGrammar,
} from '@argus/shared';
import { z } from 'zod';

/**
 * The zod schemas the api validates requests with and describes its answers by; /openapi.json is
 * generated from these same objects (see openapi.ts), so the document cannot drift from the code.
 */
extendZodWithOpenApi(z);

/** A point in time in the event timestamp grammar, as UTC ISO text with microseconds, which PostgreSQL reads without loss. */
export const timestampParameter = z.string().transform((text, context) => {
  const micros = parseTimestamp(text);
  if (micros !== undefined) return formatTimestamp(micros);
  context.addIssue({ code: 'custom', message: `must be ${timestampGrammar}` });
  return z.NEVER;
});

const pageFilters = {
  from: timestampParameter.optional().openapi({ description: 'only from this time on (inclusive)', example: '2023-01-01T00:00:00Z' }),
  to: timestampParameter.optional().openapi({ description: 'only before this time (exclusive)', example: '2023-01-02 00:00:00' }),
  limit: z.coerce.number().int().min(1).max(1000).default(100).openapi({ description: 'page size, 1 to 1000', example: 100 }),
  cursor: z.string().max(500).optional().openapi({ description: '`next_cursor` of the previous page' }),
  application_id: z.uuid().optional().openapi({ description: 'tokens with the `admin` scope only: one application' }),
};

const kindFilters = {
  category: z.string().min(1).max(100).optional().openapi({ example: 'page interaction' }),
  name: z.string().min(1).max(100).optional().openapi({ example: 'cta click' }),
};

/** Who acted, as Segment's calls name them (`userId`, `anonymousId`). */
const actorFilters = {
  user_id: z.string().min(1).max(1000).optional().openapi({ example: 'user-42' }),
  anonymous_id: z.string().min(1).max(1000).optional().openapi({ example: '3f6d8b2a-visitor' }),
};

const sessionId = z.uuid().openapi({ example: 'e2085be5-9137-4e4e-80b5-f1ffddc25423' });

/** Query of GET /events and GET /events/errors (besides `data.<field>` filters, which are free-form). */
export const eventFiltersQuery = z.strictObject({ session_id: sessionId.optional(), ...kindFilters, ...actorFilters, ...pageFilters });
/** Query of GET /sessions/{session_id}/events: the session comes from the path. */
export const sessionEventsQuery = z.strictObject({ ...kindFilters, ...actorFilters, ...pageFilters });
export type EventFilters = z.infer<typeof eventFiltersQuery>;

export const eventIdParams = z.object({ id: z.uuid().openapi({ example: '6f1c3c1e-5b7a-4d2e-8f3a-2b1c0d9e8f7a' }) });
export const sessionParams = z.object({ session_id: sessionId });

const timestampText = z.string().openapi({ description: 'ISO 8601, UTC, microseconds', example: '2023-01-01T09:15:27.243860Z' });

/** A stored event as the query api answers it: the shared contract, documented. */
export const storedEventSchema = storedEventContract()
  .extend({
    timestamp: timestampText.openapi({ description: "when it happened, corrected for the client's clock skew" }),
    client_timestamp: timestampText.openapi({ description: 'the timestamp as the client sent it' }),
    sent_at: timestampText.nullable(),
    received_at: timestampText,
    schema_version: z.number().int().nullable().openapi({ description: "the version of the kind's registered schema that validated it; null when none applied" }),
  })
  .openapi('StoredEvent', {
    example: {
      id: '6f1c3c1e-5b7a-4d2e-8f3a-2b1c0d9e8f7a',
      application_id: '0b6a1f55-5a0e-4a8c-9a51-1d1c5b0c2a10',
      session_id: 'e2085be5-9137-4e4e-80b5-f1ffddc25423',
      category: 'page interaction',
      name: 'cta click',
      data: { host: 'www.consumeraffairs.com', path: '/', element: 'chat bubble' },
      timestamp: '2023-01-01T09:15:27.243860Z',
      client_timestamp: '2023-01-01T09:15:27.243860Z',
      sent_at: null,
      received_at: '2023-01-01T09:15:27.301442Z',
      request_id: 'req-123',
      schema_version: null,
    },
  });

export const eventPageSchema = z
  .object({
    events: z.array(storedEventSchema),
    next_cursor: z.string().nullable().openapi({ description: 'pass as `cursor` for the next page; null on the last page' }),
  })
  .openapi('EventPage');

export const eventErrorSchema = z
  .object({
    id: z.string().openapi({ description: 'position in event_errors', example: '42' }),
    event_id: z.uuid(),
    application_id: z.uuid(),
    event: z.unknown().openapi({ description: 'the event exactly as the client sent it' }),
    reasons: z.array(z.object({ path: z.string(), message: z.string() })),
    received_at: timestampText,
    request_id: z.string(),
  })
  .openapi('InvalidEvent', {
    example: {
      id: '42',
      event_id: '1d7c1f0a-51c3-4a8e-9e55-8f7f4d3f1c2b',
      application_id: '0b6a1f55-5a0e-4a8c-9a51-1d1c5b0c2a10',
      event: { session_id: 'e2085be5-9137-4e4e-80b5-f1ffddc25423', category: 'page interaction', name: 'cta click', data: { host: 'a.com', path: '/' }, timestamp: '2023-01-01 09:15:27.243860' },
      reasons: [{ path: 'data.element', message: 'Invalid input: expected string, received undefined' }],
      received_at: '2023-01-01T09:15:27.301442Z',
      request_id: 'req-123',
    },
  });

export const eventErrorPageSchema = z
  .object({ errors: z.array(eventErrorSchema), next_cursor: z.string().nullable() })
  .openapi('InvalidEventPage');

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      request_id: z.string(),
      details: z.array(z.object({ path: z.string().optional(), message: z.string() })).optional(),
    }),
  })
  // no example here: each answer gets its own (see errorResponse and openapi.ts)
  .openapi('Error');

export const incomingEventExample = {
  session_id: 'e2085be5-9137-4e4e-80b5-f1ffddc25423',
  category: 'page interaction',
  name: 'cta click',
  data: { host: 'www.consumeraffairs.com', path: '/', element: 'chat bubble' },
  timestamp: '2023-01-01 09:15:27.243860',
};

/** POST /events bodies: the shared event contract, documented. The hot path checks its shape by hand and the worker checks fields. */
export const incomingEventSchema = incomingEventContract().openapi('Event', { example: incomingEventExample });

export const ingestBodySchema = ingestBodyContract(incomingEventSchema);

export const acceptedSchema = z
  .object({ accepted: z.number().int(), ids: z.array(z.uuid()) })
  .openapi('Accepted', { example: { accepted: 1, ids: ['6f1c3c1e-5b7a-4d2e-8f3a-2b1c0d9e8f7a'] } });

export const readinessSchema = z
  .object({ status: z.enum(['ready', 'not ready']), checks: z.object({ database: z.enum(['ok', 'failed']), broker: z.enum(['ok', 'failed']) }) })
  .openapi('Readiness', { example: { status: 'ready', checks: { database: 'ok', broker: 'ok' } } });

export const healthSchema = z.object({ status: z.literal('healthy') }).openapi('Health');
