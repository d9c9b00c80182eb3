import { baseConfigShape, loadConfig } from '@argus/shared';
import { z } from 'zod';

export const adminConfigShape = {
  ...baseConfigShape,
  ADMIN_PORT: z.coerce.number().int().min(0).max(65535).default(8001),
  ADMIN_HOST: z.string().default('0.0.0.0'),
  /** Signs the operators' session cookies. */
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
};

/** JWT_SECRET too: the panel issues application tokens. */
export const loadAdminConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig(adminConfigShape, ['JWT_SECRET', 'SESSION_SECRET'], env);
export type AdminConfig = ReturnType<typeof loadAdminConfig>;
