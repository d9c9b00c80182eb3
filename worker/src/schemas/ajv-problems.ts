import type { Problem } from '@argus/shared';
import type { ErrorObject } from '@argus/shared/schema-compiler';

/** An enum's allowed values are listed in a reason up to this many; past it the reason counts them. */
const maxListedValues = 10;

/**
 * ajv's errors as stored reasons, in the shape the other validators use: `data.price: must be
 * number`. A missing or unexpected property is named in the path, the allowed values of a short enum
 * in the message. At most `maxProblems` are kept, and a last one says how many more there were.
 */
export function problemsFromAjv(errors: readonly ErrorObject[] | null | undefined, maxProblems: number): Problem[] {
  const problems = (errors ?? []).slice(0, maxProblems).map(problemOf);
  const left = (errors?.length ?? 0) - problems.length;
  if (left > 0) problems.push({ path: 'data', message: `and ${left} more problem${left === 1 ? '' : 's'}` });
  return problems;
}

/** The schema checks an event's `data`, so every path starts there. */
function problemOf(error: ErrorObject): Problem {
  const path = ['data', ...pointerSegments(error.instancePath)];
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { path: [...path, String(params.missingProperty)].join('.'), message: 'is required' };
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return { path: [...path, String(params.additionalProperty ?? params.unevaluatedProperty)].join('.'), message: 'is not allowed' };
    case 'enum': {
      const allowed = params.allowedValues as unknown[];
      const message =
        allowed.length > maxListedValues
          ? `must be one of ${allowed.length.toLocaleString('en')} allowed values`
          : `must be one of ${allowed.map((value) => JSON.stringify(value)).join(', ')}`;
      return { path: path.join('.'), message };
    }
    case 'const':
      return { path: path.join('.'), message: `must be ${JSON.stringify(params.allowedValue)}` };
    default:
      return { path: path.join('.'), message: error.message ?? `fails "${error.keyword}"` };
  }
}

/** `/items/0/a~1b` → ['items', '0', 'a/b'] (RFC 6901 escapes). */
function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}
