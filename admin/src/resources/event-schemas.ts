import {
  activateEventSchema,
  EventSchema,
  incompatibleDataChanges,
  InvalidEventSchema,
  registerEventSchema,
  UnknownApplication,
  type SchemaCompiler,
} from '@argus/shared';
import type { ActionContext, ActionRequest, ActionResponse, BaseRecord, ResourceWithOptions } from 'adminjs';
import type { DataSource } from 'typeorm';
import type { AdminComponents } from '../components.js';
import { errorNotice } from './notices.js';
import { confirmedAction, freshRecord } from './confirmed-action.js';
import { applicationReference, readableTimes } from './readable.js';
import { readOnly } from './read-only.js';
import { RepositoryResource, uuidPattern } from './repository-resource.js';

export type EventSchemaDependencies = { db: DataSource; compiler: SchemaCompiler };

/**
 * The JSON Schemas applications registered for their own kinds of events. Versions are immutable:
 * operators add a version (from scratch, or starting from one they are looking at), activate one,
 * and compare two side by side. The same rules as the api's apply (shared/schema-registry).
 */
export function eventSchemasResource(deps: EventSchemaDependencies, components: AdminComponents): ResourceWithOptions {
  const addVersion = {
    icon: 'Plus',
    component: components.SchemaEditor,
    // the page asks with GET to show the form; only a POST registers
    handler: async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
      const shown = context.record?.toJSON(context.currentAdmin);
      if (request.method !== 'post') return shown ? { record: shown } : {};
      return { ...(shown ? { record: shown } : {}), ...(await registerFromForm(deps, request.payload ?? {}, context)) };
    },
  };
  return {
    resource: new RepositoryResource(deps.db, EventSchema, { exactTextFilters: ['category', 'name'] }),
    options: {
      id: 'event_schemas',
      navigation: { name: 'Rules', icon: 'CheckSquare' },
      sort: { sortBy: 'createdAt', direction: 'desc' },
      listProperties: ['applicationId', 'category', 'name', 'version', 'active', 'suspendedReason', 'createdAt'],
      filterProperties: ['applicationId', 'category', 'name', 'version', 'active'],
      showProperties: ['id', 'applicationId', 'category', 'name', 'version', 'active', 'suspendedAt', 'suspendedReason', 'createdAt', 'schema'],
      properties: {
        ...readableTimes(components, ['createdAt', 'suspendedAt']),
        applicationId: applicationReference,
        schema: { type: 'mixed', components: { show: components.JsonView } },
      },
      actions: {
        ...readOnly,
        addVersion: { ...addVersion, actionType: 'resource' },
        newVersion: { ...addVersion, actionType: 'record' },
        activate: confirmedAction(components, {
          actionType: 'record',
          icon: 'CheckCircle',
          confirm: 'Make this the active version (and lift its suspension, if it has one)? The worker checks events of this kind against it within seconds.',
          button: 'Activate',
          isAccessible: ({ record }: ActionContext) => record?.param('active') !== true || Boolean(record?.param('suspendedAt')),
          perform: async (_request, context) => {
            const activated = await activateEventSchema(deps.db, { ...kindOf(context.record!), version: Number(context.record!.param('version')) });
            return { record: await freshRecord(context), notice: { message: `Version ${activated.version} is now active`, type: 'success' } };
          },
        }),
        compare: {
          actionType: 'record',
          icon: 'Columns',
          component: components.SchemaCompare,
          handler: async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
            const record = context.record!;
            const versions = await deps.db.getRepository(EventSchema).find({ where: kindOf(record), order: { version: 'ASC' } });
            const pick = (value: unknown) => versions.find((version) => version.version === Number(value));
            const right = pick(request.payload?.right) ?? pick(record.param('version'))!;
            const left = pick(request.payload?.left) ?? versions.find((version) => version.active && version !== right) ?? versions[Math.max(0, versions.indexOf(right) - 1)]!;
            return {
              record: record.toJSON(context.currentAdmin),
              versions: versions.map(({ version, active, schema }) => ({ version, active, schema })),
              left: left.version,
              right: right.version,
              changes: incompatibleDataChanges(left.schema, right.schema),
            };
          },
        },
      },
    },
  };
}

/** The form's fields (a record action takes the kind from its record); every refusal is a notice, never an error page. */
async function registerFromForm(deps: EventSchemaDependencies, payload: Record<string, unknown>, context: ActionContext) {
  const kind = context.record ? kindOf(context.record) : { applicationId: text(payload.applicationId), category: text(payload.category), name: text(payload.name) };
  if (!kind.category || !kind.name) return errorNotice('Give the category and the name of the kind');
  if (!uuidPattern.test(kind.applicationId)) return errorNotice('The application id must be a UUID');
  let schema: unknown;
  try {
    schema = JSON.parse(text(payload.schema));
  } catch (error) {
    return errorNotice(`The schema is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return errorNotice('The schema must be a JSON object');
  try {
    const registered = await registerEventSchema(deps.db, deps.compiler, {
      ...kind,
      schema: schema as Record<string, unknown>,
      activate: payload.activate === true || payload.activate === 'true' ? true : undefined,
    });
    const { version, active, id } = registered.schema;
    const created = await context.resource.findOne(id);
    return {
      created: created?.toJSON(context.currentAdmin),
      incompatibleChanges: registered.incompatibleChanges,
      redirectUrl: context.h.showUrl(context.resource.id(), id),
      notice: { message: `Version ${version} registered${active ? ' and active' : ''}`, type: 'success' as const },
    };
  } catch (error) {
    if (error instanceof InvalidEventSchema) return errorNotice(`The schema does not compile: ${error.message}`);
    if (error instanceof UnknownApplication) return errorNotice(error.message);
    throw error;
  }
}

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

function kindOf(record: BaseRecord) {
  return { applicationId: String(record.param('applicationId')), category: String(record.param('category')), name: String(record.param('name')) };
}
