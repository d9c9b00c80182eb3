import { formatTimestamp, type EventRow, type Logger, type Problem } from '@argus/shared';
import type { SchemaCheck, SchemaChecker } from '../schemas/schema-checker.js';
import { boundReasons, type ReasonLimits } from '../validation/bound-reasons.js';
import type { ValidatorRegistry } from '../validation/registry.js';
import { invalid, type EventRef, type Normalised, type Verdict } from './types.js';

export type CheckDeps = { registry: ValidatorRegistry; schemas: SchemaChecker; reasons: ReasonLimits; log: Logger };

const noSchema: SchemaCheck = { problems: [], version: null };

/** Each event's verdict, but for those whose schema check waits for a later batch (see ThreadSettings.shareMs). */
export type Checked = { verdicts: Verdict<EventRow>[]; deferred: EventRef[] };

/**
 * Step 3: each event against its kind's rules in code and its application's registered schema,
 * their problems added to those normalising found. An event with none becomes the row to store.
 * A validator that throws is a bug, reported as that event's problem: it decides nothing for others.
 * An event whose application's checks have taken their share of the batch's time is decided in a later batch, with
 * all its problems then.
 */
export async function check(items: readonly Verdict<Normalised>[], deps: CheckDeps): Promise<Checked> {
  const checkable = items.flatMap((item) => (item.ok && item.value.kind ? [{ item, kind: item.value.kind }] : []));
  const schemaChecks = await deps.schemas.check(
    checkable.map(({ item, kind }) => ({ applicationId: item.ref.request.application_id, ...kind, schemaVersion: item.value.schemaVersion })),
  );
  const schemaOf = new Map(checkable.map(({ item }, index) => [item, schemaChecks[index]!]));

  const deferred: EventRef[] = [];
  const verdicts = items.flatMap((item): Verdict<EventRow>[] => {
    if (!item.ok) return [item];
    const { value, ref } = item;
    const schema = schemaOf.get(item) ?? noSchema;
    if (schema.deferred) {
      deferred.push(ref);
      return [];
    }
    const problems = [...value.problems, ...(value.kind ? kindProblems(value.kind, deps) : []), ...schema.problems];
    if (problems.length > 0 || !value.kind || !value.times || !value.sessionId) return [invalid(ref, boundReasons(problems, deps.reasons))];
    const { request } = ref;
    const row: Verdict<EventRow> = {
      ref,
      ok: true,
      value: {
        id: ref.id,
        applicationId: request.application_id,
        sessionId: value.sessionId,
        ...value.kind,
        timestamp: formatTimestamp(value.times.timestamp),
        clientTimestamp: formatTimestamp(value.times.clientTimestamp),
        sentAt: value.times.sentAt === undefined ? null : formatTimestamp(value.times.sentAt),
        receivedAt: request.received_at,
        requestId: request.request_id,
        schemaVersion: schema.version,
        ...value.actor,
        raw: ref.raw,
      },
    };
    return [row];
  });
  return { verdicts, deferred };
}

function kindProblems(kind: NonNullable<Normalised['kind']>, deps: CheckDeps): Problem[] {
  try {
    return deps.registry.validate(kind);
  } catch (error) {
    deps.log.error({ err: error, category: kind.category, name: kind.name }, 'a validator threw');
    return [{ path: '', message: `could not be checked: ${(error as Error).message}` }];
  }
}
