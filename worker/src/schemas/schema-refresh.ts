import type { Logger } from '@argus/shared';
import type { DataSource } from 'typeorm';
import type { SchemaCatalog, SchemaIndexRow } from './schema-catalog.js';

export type SchemaRefresh = { stop(): Promise<void> };

/**
 * Keeps the catalog in step with the registry without a restart: every `intervalMs` it reads the
 * index (a few bytes a version) and loads only the schemas it has not seen. Versions never change
 * once written, so what was loaded stays good; activations and suspensions are in the index. The first
 * load happens before this resolves, so the worker never checks an event against an empty catalog.
 * A failed refresh keeps the catalog as it was and is tried again next time.
 */
export async function startSchemaRefresh(options: { db: DataSource; catalog: SchemaCatalog; intervalMs: number; log: Logger }): Promise<SchemaRefresh> {
  const { db, catalog, log } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const refresh = async () => {
    const index: SchemaIndexRow[] = await db.query(
      `SELECT id::text AS id, application_id AS "applicationId", category, name, version, active, suspended_reason AS "suspendedReason" FROM event_schemas`,
    );
    const missing = catalog.missing(index);
    const rows: { id: string; schema: Record<string, unknown> }[] =
      missing.length === 0 ? [] : await db.query('SELECT id::text AS id, schema FROM event_schemas WHERE id = ANY($1::bigint[])', [missing]);
    catalog.replace(index, new Map(rows.map((row) => [row.id, row.schema])));
  };

  const schedule = () => {
    timer = setTimeout(() => {
      running = refresh()
        .catch((error: unknown) => log.warn({ err: error }, 'cannot refresh the registered schemas; keeping the ones loaded'))
        .finally(() => {
          running = undefined;
          if (!stopped) schedule();
        });
    }, options.intervalMs);
  };

  await refresh();
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/** Records a suspension where operators (admin panel, GET /schemas) and the other workers' refresh see it. */
export async function recordSuspension(db: DataSource, id: string, reason: string): Promise<void> {
  await db.query(`UPDATE event_schemas SET suspended_at = now(), suspended_reason = $2 WHERE id = $1::bigint AND suspended_at IS NULL`, [id, reason]);
}
