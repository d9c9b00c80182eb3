import { z } from 'zod';

/** PostgreSQL text cannot hold NUL: text that will be stored refuses it on the way in, rather than failing in the database. */
export const withoutNul = <T extends z.ZodType<string>>(text: T) => text.refine((value) => !value.includes('\u0000'), 'must not contain the NUL character');

/**
 * A category or a name of an event kind, as events carry it and as schemas and destination filters
 * name it. A function, not a constant: zod gives a schema its methods when it is made, so one the api
 * documents (`.openapi()`) must be made after the api extended zod.
 */
export const eventKindName = () => withoutNul(z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'));
