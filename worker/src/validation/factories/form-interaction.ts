import { z } from 'zod';
import { requireData } from '../require-data.js';
import type { ValidatorFactory } from '../types.js';

/** A submitted form carries its fields, by name. */
export const formSubmit: ValidatorFactory = () => requireData({ form: z.record(z.string(), z.unknown()) });
