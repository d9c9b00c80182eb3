import type { Problem } from './types.js';

/** U+0000, and UTF-16 halves without their other half (valid in JSON text, refused by jsonb). */
const unstorableCharacters = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/gu;
const unstorableMessage = 'contains NUL (\\u0000) or a lone surrogate, which cannot be stored';

/**
 * PostgreSQL refuses text and jsonb that hold U+0000 or lone surrogates, and nesting deep enough to
 * exhaust its stack. Each would fail a whole batch, so they are found here and reported as the
 * event's problems.
 */
export function storabilityProblems(value: unknown, maxDepth: number): Problem[] {
  const problems: Problem[] = [];
  const visit = (node: unknown, path: string, depth: number): void => {
    if (problems.length >= 10) return;
    if (typeof node === 'string') {
      if (hasUnstorableCharacters(node)) problems.push({ path, message: unstorableMessage });
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    if (depth > maxDepth) {
      problems.push({ path, message: `is nested deeper than ${maxDepth} levels` });
      return;
    }
    for (const [key, child] of Object.entries(node)) {
      const childPath = path ? `${path}.${key}` : key;
      if (hasUnstorableCharacters(key)) problems.push({ path: childPath, message: `field name ${unstorableMessage}` });
      visit(child, childPath, depth + 1);
    }
  };
  visit(value, '', 0);
  return problems;
}

function hasUnstorableCharacters(text: string): boolean {
  unstorableCharacters.lastIndex = 0;
  return unstorableCharacters.test(text);
}

const storableText = (text: string) => text.replace(unstorableCharacters, '\uFFFD');

/** A copy that can be stored whatever it holds: unstorable characters become U+FFFD, too-deep parts a note. */
export function storableCopy(value: unknown, maxDepth: number, depth = 0): unknown {
  if (typeof value === 'string') return storableText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth > maxDepth) return `[nested deeper than ${maxDepth} levels: not kept]`;
  if (Array.isArray(value)) return value.map((item) => storableCopy(item, maxDepth, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [storableText(key), storableCopy(child, maxDepth, depth + 1)]),
  );
}
