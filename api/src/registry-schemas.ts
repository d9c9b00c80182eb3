import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { eventKindName, incompatibleChangeKinds } from '@argus/shared';
import { z } from 'zod';

/** Requests and answers of the schema registry (routes/event-schemas.ts), documented in /openapi.json from these same objects. */
extendZodWithOpenApi(z);

const kindName = (example: string) => eventKindName().openapi({ description: 'URL-encoded, e.g. `page%20interaction`', example });

const version = z.coerce.number().int().positive().max(2_147_483_647);
const applicationId = z.uuid().optional().openapi({ description: 'tokens with the `admin` scope only: act for this application' });

export const schemaKindParams = z.object({ category: kindName('page interaction'), name: kindName('cta click') });
export const schemaVersionParams = schemaKindParams.extend({ version: version.openapi({ example: 2 }) });

export const schemaApplicationQuery = z.strictObject({ application_id: applicationId });
export const schemaReadQuery = z.strictObject({
  application_id: applicationId,
  version: version.optional().openapi({ description: 'this version instead of the active one', example: 1 }),
});

const exampleSchema = {
  type: 'object',
  required: ['element', 'price'],
  properties: { element: { type: 'string' }, price: { type: 'number', minimum: 0 } },
};

export const registerSchemaBody = z
  .strictObject({
    schema: z.record(z.string(), z.unknown()).openapi({ description: "a draft 2020-12 JSON Schema for the events' `data`" }),
    activate: z
      .boolean()
      .optional()
      .openapi({ description: 'make this the active version now; by default only the first version of a kind is activated' }),
  })
  .openapi('SchemaRegistration', { example: { schema: exampleSchema, activate: true } });

export const schemaVersionSchema = z
  .object({
    application_id: z.uuid(),
    category: z.string(),
    name: z.string(),
    version: z.number().int(),
    active: z.boolean().openapi({ description: 'events that name no `schema_version` are checked against the active version' }),
    created_at: z.string().openapi({ description: 'ISO 8601' }),
    schema: z.record(z.string(), z.unknown()),
  })
  .openapi('SchemaVersion');

const incompatibleChangeSchema = z
  .object({
    path: z.string().openapi({ example: 'data.price' }),
    change: z.enum(incompatibleChangeKinds),
    message: z.string().openapi({ example: 'is newly required' }),
  })
  .openapi('IncompatibleChange');

export const registeredSchemaSchema = schemaVersionSchema
  .extend({
    compared_with_version: z.number().int().nullable().openapi({ description: 'the version that was active before this one was registered' }),
    incompatible_changes: z
      .array(incompatibleChangeSchema)
      .openapi({ description: 'what would reject events the previously active version accepts (allowed, but worth knowing)' }),
  })
  .openapi('RegisteredSchema');

export const registeredKindsSchema = z
  .object({
    schemas: z.array(
      z.object({
        category: z.string(),
        name: z.string(),
        active_version: z.number().int().nullable(),
        versions: z.array(z.object({ version: z.number().int(), active: z.boolean(), created_at: z.string() })),
      }),
    ),
  })
  .openapi('RegisteredKinds');
