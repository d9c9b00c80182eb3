import type { DataSource, EntityManager } from 'typeorm';
import { EventSchema } from '../entities/event-schema.js';
import { incompatibleDataChanges, type IncompatibleChange } from './compatibility.js';
import { InvalidEventSchema } from './schema-compiler.js';

/** One kind of event of one application: what a schema is registered for. */
export type EventKindOf = { applicationId: string; category: string; name: string };

export class UnknownEventSchema extends Error {
  override name = 'UnknownEventSchema';
}

export class UnknownApplication extends Error {
  override name = 'UnknownApplication';
}

/** What registering needs of a compiler: that it throws, or rejects, for a schema it refuses (the api's compiles off its thread). */
export type SchemaCheck = { compile(schema: unknown): unknown };

export type RegisteredSchema = {
  schema: EventSchema;
  /** The version that was active when this one was registered, which `incompatibleChanges` compares with. */
  comparedWith: number | null;
  incompatibleChanges: IncompatibleChange[];
};

/**
 * Adds the next version of a kind's schema. The first version of a kind becomes active unless told
 * otherwise; a later one only when `activate` says so. A schema that does not compile is refused
 * (InvalidEventSchema) before anything is written.
 */
export async function registerEventSchema(
  db: DataSource,
  compiler: SchemaCheck,
  input: EventKindOf & { schema: Record<string, unknown>; activate?: boolean },
): Promise<RegisteredSchema> {
  await compiler.compile(input.schema);
  const { schema, activate, ...kind } = input;
  return refusingUnstorable(() => db.transaction(async (tx) => {
    await lockApplication(tx, kind.applicationId);
    const versions = tx.getRepository(EventSchema);
    const active = await versions.findOneBy({ ...kind, active: true });
    const { latest } = (await versions
      .createQueryBuilder('schema')
      .select('max(schema.version)', 'latest')
      .where({ ...kind })
      .getRawOne<{ latest: number | null }>())!;
    const activateNow = activate ?? latest === null;
    if (activateNow && active) await versions.update({ id: active.id }, { active: false });
    const saved = await versions.save(versions.create({ ...kind, version: (latest ?? 0) + 1, schema, active: activateNow }));
    return {
      schema: saved,
      comparedWith: active?.version ?? null,
      incompatibleChanges: active ? incompatibleDataChanges(active.schema, schema) : [],
    };
  }));
}

/** jsonb refuses the NUL character and lone surrogates, which JSON text may hold: the schema's fault, not the server's. */
async function refusingUnstorable<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const { code, message } = error as { code?: unknown; message?: string };
    if (typeof code === 'string' && code.startsWith('22')) throw new InvalidEventSchema(`the schema cannot be stored: ${message}`);
    throw error;
  }
}

/** Makes `version` the kind's active version (the others inactive) and lifts its suspension; throws UnknownEventSchema when there is no such version. */
export async function activateEventSchema(db: DataSource, input: EventKindOf & { version: number }): Promise<EventSchema> {
  return db.transaction(async (tx) => {
    await lockApplication(tx, input.applicationId);
    const versions = tx.getRepository(EventSchema);
    const { version, ...kind } = input;
    const chosen = await versions.findOneBy({ ...kind, version });
    if (!chosen) throw new UnknownEventSchema(`no version ${version} of the schema for ${describeKind(kind)}`);
    // activating lifts a suspension: the operator gives the version another chance
    const lifted = { suspendedAt: null, suspendedReason: null };
    if (chosen.active) {
      if (chosen.suspendedAt !== null) await versions.update({ id: chosen.id }, lifted);
      return { ...chosen, ...lifted };
    }
    // deactivate first: the partial unique index allows one active version at any moment
    await versions.update({ ...kind, active: true }, { active: false });
    await versions.update({ id: chosen.id }, { active: true, ...lifted });
    return { ...chosen, active: true, ...lifted };
  });
}

/** The given version of a kind's schema, or its active version; throws UnknownEventSchema when there is none. */
export async function findEventSchema(db: DataSource, input: EventKindOf & { version?: number }): Promise<EventSchema> {
  const { version, ...kind } = input;
  const found = await db.getRepository(EventSchema).findOneBy(version === undefined ? { ...kind, active: true } : { ...kind, version });
  if (found) return found;
  throw new UnknownEventSchema(
    version === undefined ? `no active schema for ${describeKind(kind)}` : `no version ${version} of the schema for ${describeKind(kind)}`,
  );
}

export type RegisteredKind = {
  category: string;
  name: string;
  activeVersion: number | null;
  versions: { version: number; active: boolean; createdAt: Date }[];
};

/** Every kind the application has registered a schema for, with its versions (oldest first). */
export async function listEventSchemas(db: DataSource, applicationId: string): Promise<RegisteredKind[]> {
  const rows = await db.getRepository(EventSchema).find({
    select: { category: true, name: true, version: true, active: true, createdAt: true },
    where: { applicationId },
    order: { category: 'ASC', name: 'ASC', version: 'ASC' },
  });
  if (rows.length === 0) {
    const found: unknown[] = await db.query('SELECT 1 FROM applications WHERE id = $1', [applicationId]);
    if (found.length === 0) throw new UnknownApplication(`no application ${applicationId}`);
  }
  const kinds = new Map<string, RegisteredKind>();
  for (const row of rows) {
    const key = JSON.stringify([row.category, row.name]);
    let kind = kinds.get(key);
    if (!kind) kinds.set(key, (kind = { category: row.category, name: row.name, activeVersion: null, versions: [] }));
    kind.versions.push({ version: row.version, active: row.active, createdAt: row.createdAt });
    if (row.active) kind.activeVersion = row.version;
  }
  return [...kinds.values()];
}

/**
 * Schema changes of one application take turns: version numbers are max + 1 and activation swaps
 * two rows, both of which two concurrent requests would otherwise get wrong. NO KEY UPDATE does not
 * block the worker, whose inserts only take KEY SHARE locks on the application.
 */
async function lockApplication(tx: EntityManager, applicationId: string): Promise<void> {
  const rows: unknown[] = await tx.query('SELECT 1 FROM applications WHERE id = $1 FOR NO KEY UPDATE', [applicationId]);
  if (rows.length === 0) throw new UnknownApplication(`no application ${applicationId}`);
}

const describeKind = (kind: EventKindOf) => `${JSON.stringify(kind.category)} / ${JSON.stringify(kind.name)}`;
