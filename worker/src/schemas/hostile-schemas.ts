/**
 * Schemas a hostile application can register, whose checks cost far more than their size: used by
 * tests and the bench to show that they cost that application its own events and no one else anything.
 */

/** Refers to itself forever: every check ends in a stack overflow. */
export const selfReferencingSchema = { $ref: '#' };

/**
 * A chain of definitions where each level refers twice to the next: checking one event costs about
 * 2^depth steps (about a second at depth 26), for a schema of a few kilobytes.
 */
export function explodingSchema(depth: number): Record<string, unknown> {
  const defs: Record<string, unknown> = { [`p${depth}`]: { type: 'object' }, [`f${depth}`]: { type: 'object' } };
  for (let level = depth - 1; level >= 0; level -= 1) {
    defs[`p${level}`] = { anyOf: [{ $ref: `#/$defs/f${level + 1}` }, { $ref: `#/$defs/p${level + 1}` }] };
    defs[`f${level}`] = { allOf: [{ $ref: `#/$defs/p${level + 1}` }, { $ref: `#/$defs/f${level + 1}` }] };
  }
  return { $defs: defs, $ref: '#/$defs/f0' };
}

/**
 * Costly within the budget: `uniqueItems` compares every pair of a list's items, so an event whose
 * `items` holds 2,000 small objects (20 KB) takes some 40 ms to check, just under the worker's 50 ms.
 */
export const pairwiseSchema = { type: 'object', properties: { items: { type: 'array', uniqueItems: true } } };

/** `data` for `pairwiseSchema` with `count` distinct items. */
export const pairwiseData = (count: number) => ({ items: Array.from({ length: count }, (_, index) => ({ a: index })) });
