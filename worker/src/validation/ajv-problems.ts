import type { ErrorObject } from '@argus/shared';
import type { Problem } from './types.js';

/** Reasons kept for one event at most: a long array of bad items would otherwise fill event_errors. */
export const maxSchemaProblems = 20;

/**
 * ajv's errors as stored reasons, in the shape the other validators use: `data.price: must be
 * number`. A missing or unexpected property is named in the path, the allowed values of an enum in
 * the message.
 */
export function problemsFromAjv(errors: readonly ErrorObject[] | null | undefined): Problem[] {
  const problems = (errors ?? []).slice(0, maxSchemaProblems).map(problemOf);
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
    case 'enum':
      return { path: path.join('.'), message: `must be one of ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}` };
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
