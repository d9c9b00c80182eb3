import { InvalidEventSchema, type SchemaCompiler } from '@argus/shared';
import { jsonSchema } from './factories/json-schema.js';
import type { IncomingEvent, Problem, Validate } from './types.js';

/** One line of the registry's index: a version, without its schema. */
export type SchemaIndexRow = { id: string; applicationId: string; category: string; name: string; version: number; active: boolean };

/** What the registered schemas say about one event: its problems, and the version that applied (null: none). */
export type SchemaCheck = { problems: Problem[]; version: number | null };

export type SchemaCatalog = {
  /** Synchronous and free of I/O: the hot path. An application without schemas costs one map lookup. */
  check(applicationId: string, event: IncomingEvent): SchemaCheck;
  /** Ids in `index` whose schema the catalog does not hold yet: only those need loading. */
  missing(index: readonly SchemaIndexRow[]): string[];
  /** Takes `index` as the registry's new state; `schemas` holds the bodies of the versions new to the catalog. */
  replace(index: readonly SchemaIndexRow[], schemas: ReadonlyMap<string, Record<string, unknown>>): void;
};

/** A version compiles on first use, once: most events name the active one, and old versions may never be asked for. */
type VersionEntry = { schema: Record<string, unknown>; validate?: Validate };
type KindVersions = { active: number | undefined; versions: Map<number, VersionEntry> };

const noSchema: SchemaCheck = Object.freeze({ problems: [], version: null }) as SchemaCheck;
// NUL cannot appear in a stored kind (the api refuses it) nor in a checked event (found before the envelope)
const kindKey = (category: string, name: string) => `${category}\u0000${name}`;

/** The registered JSON Schemas, in memory, as the worker's validator for the kinds applications declared themselves. */
export function createSchemaCatalog(compiler: SchemaCompiler): SchemaCatalog {
  let entries = new Map<string, VersionEntry>();
  let byApplication = new Map<string, Map<string, KindVersions>>();

  const validatorOf = (entry: VersionEntry, version: number): Validate => {
    if (entry.validate) return entry.validate;
    try {
      entry.validate = jsonSchema(compiler.compile(entry.schema));
    } catch (error) {
      if (!(error instanceof InvalidEventSchema)) throw error;
      // the registry refuses such schemas; one written by other means must not stop the worker
      const problems = [{ path: 'schema_version', message: `version ${version} of this kind's schema cannot be used: ${error.message}` }];
      entry.validate = () => problems;
    }
    return entry.validate;
  };

  return {
    check(applicationId, event) {
      const requested = event.schema_version;
      const kind = byApplication.get(applicationId)?.get(kindKey(event.category, event.name));
      const version = requested ?? kind?.active;
      if (version === undefined) return noSchema;
      const entry = kind?.versions.get(version);
      if (!entry) return { problems: [{ path: 'schema_version', message: `no version ${version} of a schema is registered for this kind` }], version: null };
      return { problems: validatorOf(entry, version)(event), version };
    },

    missing(index) {
      return index.filter((row) => !entries.has(row.id)).map((row) => row.id);
    },

    replace(index, schemas) {
      const nextEntries = new Map<string, VersionEntry>();
      const nextByApplication = new Map<string, Map<string, KindVersions>>();
      for (const row of index) {
        const known = entries.get(row.id);
        const schema = schemas.get(row.id);
        const entry = known ?? (schema && { schema });
        if (!entry) continue; // deleted between reading the index and the bodies
        nextEntries.set(row.id, entry);
        let kinds = nextByApplication.get(row.applicationId);
        if (!kinds) nextByApplication.set(row.applicationId, (kinds = new Map()));
        const key = kindKey(row.category, row.name);
        let kind = kinds.get(key);
        if (!kind) kinds.set(key, (kind = { active: undefined, versions: new Map() }));
        kind.versions.set(row.version, entry);
        if (row.active) kind.active = row.version;
      }
      // swapped whole: a check never sees half an update
      entries = nextEntries;
      byApplication = nextByApplication;
    },
  };
}
