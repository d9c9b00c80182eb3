import type { Problem } from '@argus/shared';
import type { SchemaCatalog, SchemaSubject } from './schema-catalog.js';
import type { PoolVerdict, SchemaPool } from './schema-pool.js';

/**
 * What the registered schemas say about one event: its problems, and the version that applied (null:
 * none); or that its check waits for a later batch, its version having taken its share of this one.
 */
export type SchemaCheck = { problems: Problem[]; version: number | null; deferred?: true };

export type SchemaChecker = { check(subjects: readonly (SchemaSubject & { data: unknown })[]): Promise<SchemaCheck[]> };

export type SchemaCheckerOptions = {
  catalog: SchemaCatalog;
  pool: Pick<SchemaPool, 'check'>;
  budgetMs: number;
  /** Told once a version is suspended, to record it where operators and other workers see it. */
  onSuspended?: (id: string, reason: string) => void;
  now?: () => Date;
};

const noSchema: SchemaCheck = Object.freeze({ problems: [], version: null }) as SchemaCheck;

/**
 * Checks a batch's events against their applications' schemas: the catalog picks each event's
 * version, the pool runs the checks off the event loop within their budget. A version that runs over
 * its budget is suspended: its later events are refused at once with the reason, so one application's
 * exploding schema costs it its own events, and no one else any time.
 */
export function createSchemaChecker(options: SchemaCheckerOptions): SchemaChecker {
  const { catalog, budgetMs } = options;
  const now = options.now ?? (() => new Date());
  const versionProblem = (version: number, message: string): Problem => ({ path: 'schema_version', message: `version ${version} of this kind's schema ${message}` });

  function verdictToCheck(verdict: PoolVerdict, id: string, version: number): SchemaCheck {
    switch (verdict.kind) {
      case 'checked':
        return { problems: verdict.problems, version };
      case 'failed':
        return { problems: [{ path: 'data', message: `cannot be checked against version ${version} of this kind's schema: ${verdict.message}` }], version };
      case 'over-budget': {
        const cause = verdict.outOfMemory ? 'ran out of memory' : `exceeded ${budgetMs} ms`;
        const reason = `a check ${cause} at ${now().toISOString()}`;
        catalog.suspend(id, reason);
        options.onSuspended?.(id, reason);
        return { problems: [versionProblem(version, `${cause} checking this event; the check was stopped and the version suspended`)], version };
      }
      case 'not-run':
        return { problems: [versionProblem(version, `is suspended: an earlier check of this batch ran over its budget`)], version };
      case 'deferred':
        return { problems: [], version, deferred: true };
    }
  }

  return {
    async check(subjects) {
      const results: SchemaCheck[] = new Array(subjects.length).fill(noSchema);
      const jobs: { at: number; id: string; owner: string; version: number; data: unknown; schema: Record<string, unknown> }[] = [];
      subjects.forEach((subject, at) => {
        const choice = catalog.choose(subject);
        if (choice.kind === 'refused') results[at] = { problems: [choice.problem], version: choice.version };
        else if (choice.kind === 'check') jobs.push({ at, id: choice.id, owner: subject.applicationId, version: choice.version, data: subject.data, schema: choice.schema });
      });
      const verdicts = await options.pool.check(jobs.map(({ id, owner, schema, data }) => ({ id, owner, schema, data })));
      jobs.forEach((job, position) => (results[job.at] = verdictToCheck(verdicts[position]!, job.id, job.version)));
      return results;
    },
  };
}
