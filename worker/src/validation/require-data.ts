import { z } from 'zod';
import type { Validate } from './types.js';
import { problemsFromZod } from './zod-problems.js';

/** A validator that requires these fields in `data`; other fields stay allowed. */
export function requireData(shape: z.ZodRawShape): Validate {
  const schema = z.looseObject(shape);
  return (event) => {
    const result = schema.safeParse(event.data);
    return result.success ? [] : problemsFromZod(result.error, ['data']);
  };
}
