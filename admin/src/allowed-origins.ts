import { allowedOriginList } from '@argus/shared';

export type OriginLines = { ok: true; origins: string[] | null } | { ok: false; message: string };

/**
 * The allowed origins as an operator types them, one per line (blank lines and the spaces around an
 * origin do not count), checked by the api's own rule. No line at all lifts the restriction: any
 * origin may send. A refusal names the line and what is wrong with it.
 */
export function originsFromLines(text: string): OriginLines {
  const lines = text
    .split(/\r?\n/)
    .map((line, index) => ({ origin: line.trim(), line: index + 1 }))
    .filter(({ origin }) => origin !== '');
  if (lines.length === 0) return { ok: true, origins: null };
  const origins = lines.map(({ origin }) => origin);
  const parsed = allowedOriginList().safeParse(origins);
  if (parsed.success) return { ok: true, origins: parsed.data };
  const problems = parsed.error.issues.map((issue) => {
    const index = issue.path[0];
    if (typeof index !== 'number') return issue.message;
    const { origin, line } = lines[index]!;
    return `line ${line}, "${origin}": ${issue.message}`;
  });
  return { ok: false, message: `Not saved: ${problems.join('; ')}` };
}
