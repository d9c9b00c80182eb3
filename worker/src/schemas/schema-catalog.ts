import type { Problem } from '@argus/shared';

/** One line of the registry's index: a version, without its schema. */
export type SchemaIndexRow = {
  id: string;
  applicationId: string;
  category: string;
  name: string;
  version: number;
  active: boolean;
  /** Why checks against this version stopped being run (it ran over its budget); null while it runs. */
  suspendedReason: string | null;
};

/** Which schema, if any, an event is to be checked against. */
export type SchemaChoice =
  | { kind: 'none' }
  /** The version the event names does not exist, or is suspended: the event's problem, found without a check. */
  | { kind: 'refused'; version: number | null; problem: Problem }
  | { kind: 'check'; id: string; version: number; schema: Record<string, unknown> };

export type SchemaSubject = { applicationId: string; category: string; name: string; schemaVersion?: number | undefined };

export type SchemaCatalog = {
  /** Synchronous and free of I/O: the hot path. An application without schemas costs one map lookup. */
  choose(subject: SchemaSubject): SchemaChoice;
  /** Checks against this version stop here at once; the registry learns of it through the caller, and its index then decides. */
  suspend(id: string, reason: string): void;
  /** Ids in `index` whose schema the catalog does not hold yet: only those need loading. */
  missing(index: readonly SchemaIndexRow[]): string[];
  /** Takes `index` as the registry's new state; `schemas` holds the bodies of the versions new to the catalog. */
  replace(index: readonly SchemaIndexRow[], schemas: ReadonlyMap<string, Record<string, unknown>>): void;
};

/** `suspendedReason` is the registry's; `pending` a suspension of this worker's that the registry has not shown yet. */
type VersionEntry = { id: string; schema: Record<string, unknown>; suspendedReason: string | null; pending?: string };
type KindVersions = { active: number | undefined; versions: Map<number, VersionEntry> };

const none: SchemaChoice = Object.freeze({ kind: 'none' });
// NUL cannot appear in a stored kind (the api refuses it) nor in a checked event (found before)
const kindKey = (category: string, name: string) => `${category}\u0000${name}`;

/** The registered JSON Schemas, in memory: which version applies to an event. Checking is the schema pool's. */
export function createSchemaCatalog(): SchemaCatalog {
  let entries = new Map<string, VersionEntry>();
  let byApplication = new Map<string, Map<string, KindVersions>>();

  return {
    choose({ applicationId, category, name, schemaVersion }) {
      const kind = byApplication.get(applicationId)?.get(kindKey(category, name));
      const version = schemaVersion ?? kind?.active;
      if (version === undefined) return none;
      const entry = kind?.versions.get(version);
      if (!entry) return { kind: 'refused', version: null, problem: { path: 'schema_version', message: `no version ${version} of a schema is registered for this kind` } };
      const suspended = entry.suspendedReason ?? entry.pending;
      if (suspended !== undefined) {
        return {
          kind: 'refused',
          version,
          problem: { path: 'schema_version', message: `version ${version} of this kind's schema is suspended (${suspended}); register a simpler version` },
        };
      }
      return { kind: 'check', id: entry.id, version, schema: entry.schema };
    },

    suspend(id, reason) {
      const entry = entries.get(id);
      if (entry && entry.suspendedReason === null) entry.pending ??= reason;
    },

    missing(index) {
      return index.filter((row) => !entries.has(row.id)).map((row) => row.id);
    },

    replace(index, schemas) {
      const nextEntries = new Map<string, VersionEntry>();
      const nextByApplication = new Map<string, Map<string, KindVersions>>();
      for (const row of index) {
        const known = entries.get(row.id);
        const schema = known?.schema ?? schemas.get(row.id);
        if (!schema) continue; // deleted between reading the index and the bodies
        // once the registry shows a suspension it is the registry's to keep or lift (activating lifts it)
        const pending = row.suspendedReason === null && known?.suspendedReason === null ? known.pending : undefined;
        const entry: VersionEntry = { id: row.id, schema, suspendedReason: row.suspendedReason, ...(pending ? { pending } : {}) };
        nextEntries.set(row.id, entry);
        let kinds = nextByApplication.get(row.applicationId);
        if (!kinds) nextByApplication.set(row.applicationId, (kinds = new Map()));
        const key = kindKey(row.category, row.name);
        let kind = kinds.get(key);
        if (!kind) kinds.set(key, (kind = { active: undefined, versions: new Map() }));
        kind.versions.set(row.version, entry);
        if (row.active) kind.active = row.version;
      }
      // swapped whole: a choice never sees half an update
      entries = nextEntries;
      byApplication = nextByApplication;
    },
  };
}
