import type { DataFilter } from './parse-filters.js';

const numberText = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/**
 * The JSON values a query-string value may stand for. A query string carries text only, so `42`
 * matches the string "42" and the number 42, `true` the string and the boolean; anything else is
 * a string. Exact match only: no ranges, no patterns.
 */
export function candidateValues(text: string): unknown[] {
  if (numberText.test(text) && Number.isFinite(Number(text))) return [text, Number(text)];
  if (text === 'true' || text === 'false') return [text, text === 'true'];
  return [text];
}

/** `{"a": {"b": value}}` for path a.b: what `column @> …` looks for. */
export function nestAt(path: readonly string[], value: unknown): Record<string, unknown> {
  return path.reduceRight<Record<string, unknown>>((inner, key) => ({ [key]: inner }), value as Record<string, unknown>);
}

/**
 * One condition per data filter, ANDed; a filter with several candidate values ORs one containment
 * per candidate. Each containment can use the GIN (jsonb_path_ops) index on the column.
 */
export function containmentConditions(column: string, filters: DataFilter[], prefix: string[], bind: (value: unknown) => string): string[] {
  return filters.map((filter) => {
    const alternatives = candidateValues(filter.value).map((value) => `${column} @> ${bind(JSON.stringify(nestAt([...prefix, ...filter.path], value)))}::jsonb`);
    return alternatives.length === 1 ? alternatives[0]! : `(${alternatives.join(' OR ')})`;
  });
}
