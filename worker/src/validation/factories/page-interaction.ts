import { z } from 'zod';
import { requireData } from '../require-data.js';
import type { ValidatorFactory } from '../types.js';

/** Where on the web an interaction happened; every page or form interaction says so. */
export const pageLocation: ValidatorFactory = () => requireData({ host: z.string().min(1), path: z.string().min(1) });

/** A click on a call to action names the element clicked. */
export const ctaClick: ValidatorFactory = () => requireData({ element: z.string().min(1) });
