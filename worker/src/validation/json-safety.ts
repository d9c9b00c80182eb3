import type { Problem } from './types.js';

/**
 * PostgreSQL refuses text and jsonb that hold U+0000, and nesting deep enough to exhaust its stack.
 * Either would fail a whole batch, so they are found here and reported as the event's problems.
 */
export function storabilityProblems(value: unknown, maxDepth: number): Problem[] {
  const problems: Problem[] = [];
  const visit = (node: unknown, path: string, depth: number): void => {
    if (problems.length >= 10) return;
    if (typeof node === 'string') {
      if (node.includes('\u0000')) problems.push({ path, message: 'contains the NUL character (\\u0000), which cannot be stored' });
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    if (depth > maxDepth) {
      problems.push({ path, message: `is nested deeper than ${maxDepth} levels` });
      return;
    }
    for (const [key, child] of Object.entries(node)) {
      const childPath = path ? `${path}.${key}` : key;
      if (key.includes('\u0000')) problems.push({ path: childPath, message: 'field name contains the NUL character (\\u0000)' });
      visit(child, childPath, depth + 1);
    }
  };
  visit(value, '', 0);
  return problems;
}

/** A copy that can be stored whatever it holds: NUL becomes U+FFFD, too-deep parts become a note. */
export function storableCopy(value: unknown, maxDepth: number, depth = 0): unknown {
  if (typeof value === 'string') return value.replaceAll('\u0000', '\uFFFD');
  if (typeof value !== 'object' || value === null) return value;
  if (depth > maxDepth) return `[nested deeper than ${maxDepth} levels: not kept]`;
  if (Array.isArray(value)) return value.map((item) => storableCopy(item, maxDepth, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [key.replaceAll('\u0000', '\uFFFD'), storableCopy(child, maxDepth, depth + 1)]),
  );
}
