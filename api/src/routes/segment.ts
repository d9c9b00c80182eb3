import { z } from 'zod';
import { segmentCallTypes } from '../ingest/segment-calls.js';
import { errorResponse, readErrorResponses, type Describe } from './read-access.js';

const attributes = z.record(z.string(), z.unknown());

/** A call as Segment's HTTP tracking API takes it; fields beyond these are ignored. */
const segmentCallSchema = z
  .looseObject({
    type: z.enum(segmentCallTypes).optional().openapi({ description: 'in a batch: the call type (a `/v1/<type>` route implies it)' }),
    messageId: z.string().optional().openapi({ description: 'idempotency key: a UUID is the stored id, any other text is stored as UUIDv5(messageId, application id)' }),
    userId: z.string().optional(),
    anonymousId: z.string().optional(),
    event: z.string().optional().openapi({ description: 'track: the event name' }),
    name: z.string().optional().openapi({ description: 'page, screen: the name' }),
    properties: attributes.optional(),
    traits: attributes.optional(),
    groupId: z.string().optional(),
    previousId: z.string().optional(),
    context: attributes.optional(),
    integrations: attributes.optional(),
    timestamp: z.string().optional(),
    originalTimestamp: z.string().optional(),
    sentAt: z.string().optional(),
    writeKey: z.string().optional().openapi({ description: 'the write token, when no Authorization header carries it' }),
  })
  .openapi('SegmentCall');

const segmentBatchSchema = z
  .looseObject({
    batch: z.array(segmentCallSchema),
    context: attributes.optional().openapi({ description: "merged into each call's context" }),
    integrations: attributes.optional(),
    sentAt: z.string().optional(),
    writeKey: z.string().optional(),
  })
  .openapi('SegmentBatch');

const successSchema = z
  .object({ success: z.literal(true), accepted: z.number().int(), ids: z.array(z.uuid()).openapi({ description: 'the stored id of each call, in order' }) })
  .openapi('SegmentAccepted');

/** The Segment-compatible routes, served on the ingest fast path (see ingest/segment-handler.ts). */
export const describeSegmentRoutes: Describe = (registry) => {
  const common = {
    method: 'post' as const,
    tags: ['events'],
    security: [{ bearer: [] }, { basic: [] }] as Record<string, string[]>[],
    responses: {
      200: { description: 'the broker has confirmed every call of the request', content: { 'application/json': { schema: successSchema } } },
      400: errorResponse('malformed JSON, invalid UTF-8 or compressed data, `batch` not an array of objects, a messageId that is not text'),
      401: readErrorResponses[401],
      403: errorResponse('the token lacks the `write` scope, or the application does not allow pages of this Origin (`origin_not_allowed`)'),
      413: errorResponse('body over the size limit once decompressed, compressed beyond the expansion ratio, too many calls, or one call too large'),
      415: errorResponse('not JSON (application/json, text/plain, or application/x-www-form-urlencoded), or an unknown Content-Encoding'),
      500: readErrorResponses[500],
      503: errorResponse('the broker is unreachable or behind; retry after `Retry-After` seconds'),
    },
  };
  const body = (schema: z.ZodType) => ({
    body: { required: true, content: { 'application/json': { schema } } },
  });
  for (const path of ['/v1/batch', '/v1/import']) {
    registry.registerPath({
      ...common,
      path,
      summary: path === '/v1/batch' ? "Segment's batch call: up to 2,500 calls of any type" : 'The same as /v1/batch',
      description:
        'Segment HTTP tracking API. The write key is an Argus token with the `write` scope: Basic auth username (empty password), Bearer, or `writeKey` in the body. Bodies may be gzip, deflate or br. Each call is mapped to an Argus event as the README\'s "Sending from an existing SDK" table says.',
      request: body(segmentBatchSchema),
    });
  }
  for (const type of segmentCallTypes) {
    registry.registerPath({ ...common, path: `/v1/${type}`, summary: `Segment's ${type} call`, request: body(segmentCallSchema) });
  }
};
