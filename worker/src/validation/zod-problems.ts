import type { z } from 'zod';
import type { Problem } from './types.js';

/** Zod issues as stored reasons: `data.form.email: Invalid input: expected string`. */
export function problemsFromZod(error: z.ZodError, prefix: string[] = []): Problem[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}
