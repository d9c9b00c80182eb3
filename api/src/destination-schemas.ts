import { deliveryStatuses, destinationStates, eventKindName, withoutNul } from '@argus/shared';
import { z } from 'zod';
import { timestampParameter } from './schemas.js';

/** Requests and answers of /destinations; the OpenAPI document is generated from these (see schemas.ts). */

export const destinationIdParams = z.object({ id: z.uuid().openapi({ example: '3f0c8a52-7d2e-4c1b-9a3e-5b8f1d2c4e6a' }) });

export const createDestinationBody = z
  .strictObject({
    name: withoutNul(z.string().trim().min(1).max(200)).openapi({ example: 'CRM' }),
    url: withoutNul(z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).max(2000)).openapi({ example: 'https://crm.example.com/argus-webhook' }),
    filter: z
      .strictObject({
        application_id: z.uuid().optional().openapi({ description: 'only this application\'s events' }),
        category: eventKindName().optional().openapi({ description: 'only this exact category', example: 'form interaction' }),
        name: eventKindName().optional().openapi({ description: 'only this exact name', example: 'submit' }),
      })
      .optional()
      .openapi({ description: 'every field optional; an absent one matches every event' }),
  })
  .openapi('NewDestination');

export const replayBody = z
  .strictObject({ from: timestampParameter.openapi({ description: 'replay stored events with a timestamp at or after this', example: '2023-01-01T00:00:00Z' }) })
  .openapi('Replay');

const time = z.string().nullable().openapi({ example: '2023-01-01T09:15:27.243Z' });

export const destinationSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    url: z.string(),
    filter: z.object({ application_id: z.uuid().nullable(), category: z.string().nullable(), name: z.string().nullable() }),
    state: z.enum(destinationStates),
    delivery: z
      .object({
        status: z.enum(deliveryStatuses),
        description: z.string().openapi({ example: 'receiver down since 2023-01-01T09:15:27.243Z, next probe in 42 s' }),
        receiver_down_since: time.openapi({ description: 'since when its receiver counts as down (no answer, 5xx): only probes are sent' }),
        next_probe_at: time,
      })
      .openapi({ description: 'how delivery stands: delivering, receiver_down (events wait in its queue, in order), paused or stopped' }),
    paused_reason: z.string().nullable().openapi({ description: 'why the circuit breaker paused it' }),
    failing_since: time.openapi({ description: 'the first failure with no success since' }),
    created_at: z.string(),
    delivered: z.number().int().openapi({ description: 'events the receiver accepted (2xx)' }),
    failed_attempts: z.number().int().openapi({ description: 'attempts that failed; each retry counts' }),
    dead_lettered: z.number().int(),
    last_success_at: time,
    last_failure: z.object({ at: z.string(), status: z.number().int().nullable(), error: z.string().nullable() }).nullable(),
  })
  .openapi('Destination');

export const destinationDetailSchema = destinationSchema
  .extend({
    backlog: z.object({
      queue_depth: z.number().int().nullable().openapi({ description: 'events waiting in its queue; null when the broker cannot be asked' }),
      held_sessions: z.number().int().openapi({ description: 'sessions held back behind a failed event, waiting for their retry' }),
      held_events: z.number().int(),
      dead_letters: z.number().int(),
      oldest_waiting_at: time.openapi({ description: 'when the oldest event still to deliver was received (one a worker holds, or a held one)' }),
      oldest_waiting_seconds: z.number().int().nullable(),
    }),
    delivered_by: z
      .object({ worker_id: z.uuid(), host: z.string(), pid: z.number().int(), seen_at: z.string().openapi({ description: 'its latest heartbeat' }) })
      .nullable()
      .openapi({ description: 'the worker delivering it (its active consumer); null before the first delivery, or once that worker has stopped and before the next one starts' }),
    recent_attempts: z
      .array(
        z.object({
          at: z.string(),
          event_id: z.uuid(),
          status: z.number().int().nullable().openapi({ description: 'the HTTP status; null when no answer came' }),
          duration_ms: z.number().int(),
          answer: z.string().nullable().openapi({ description: 'what went wrong: the start of the answer, or the network error; null for a success' }),
        }),
      )
      .openapi({ description: 'the latest delivery attempts, newest first (a bounded number is kept)' }),
  })
  .openapi('DestinationWithBacklog');

export const createdDestinationSchema = destinationSchema
  .extend({ signing_secret: z.string().openapi({ description: 'Standard Webhooks secret to verify signatures with; shown only here', example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }) })
  .openapi('CreatedDestination');

export const destinationListSchema = z.object({ destinations: z.array(destinationSchema) }).openapi('DestinationList');

export const replayedSchema = z.object({ published: z.number().int().openapi({ description: 'events put in its queue' }) }).openapi('Replayed');
