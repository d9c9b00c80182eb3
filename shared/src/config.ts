import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { brokerUrlsSchema } from './broker-connection.js';

/** Settings every Argus process reads; each process extends this shape with its own. */
export const baseConfigShape = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default('postgres://postgres@127.0.0.1:5432/argus'),
  /** One node's URL, or a cluster's nodes' URLs separated by commas: each process connects to any live one. */
  AMQP_URL: brokerUrlsSchema.default(['amqp://guest:guest@127.0.0.1:5672']),
  /** Prefix of every exchange and queue name, so several installations (or test runs) can share a broker. */
  AMQP_PREFIX: z.string().regex(/^[a-z0-9_.-]+$/, 'lowercase letters, digits, "_", "." and "-" only').default('argus'),
  /** Deliveries of one message before the broker dead-letters it (a message that keeps crashing workers). */
  AMQP_DELIVERY_LIMIT: z.coerce.number().int().positive().default(10),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type WithSecret<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: string };

/**
 * Parses the environment once. Problems name the variable, never its value (it may be a secret).
 * Secrets listed in `secrets` are required in production; elsewhere a missing one is generated
 * once and kept in `.argus/secrets.json`, so every process of a development install agrees on it.
 */
export function loadConfig<S extends z.ZodRawShape, K extends keyof z.infer<z.ZodObject<S>> & string>(
  shape: S,
  secrets: readonly K[],
  env: NodeJS.ProcessEnv = process.env,
): WithSecret<z.infer<z.ZodObject<S>>, K> {
  const result = z.object(shape).safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const config = result.data as Record<string, unknown>;
  const missing = secrets.filter((name) => config[name] === undefined);
  if (missing.length > 0) {
    if (config.NODE_ENV === 'production') {
      throw new ConfigError(`invalid configuration:\n  ${missing.map((name) => `${name}: required in production`).join('\n  ')}`);
    }
    const stored = developmentSecrets(missing);
    for (const name of missing) config[name] = stored[name];
  }
  return config as WithSecret<z.infer<z.ZodObject<S>>, K>;
}

const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const developmentSecretsFile = join(repositoryRoot, '.argus', 'secrets.json');

function developmentSecrets(names: readonly string[]): Record<string, string> {
  const stored = readDevelopmentSecrets();
  const absent = names.filter((name) => typeof stored[name] !== 'string');
  if (absent.length === 0) return stored;
  for (const name of absent) stored[name] = randomBytes(32).toString('base64url');
  mkdirSync(dirname(developmentSecretsFile), { recursive: true });
  try {
    // 'wx' when creating: processes started together must not each generate a different secret
    writeFileSync(developmentSecretsFile, JSON.stringify(stored, null, 2), {
      mode: 0o600,
      flag: absent.length === Object.keys(stored).length ? 'wx' : 'w',
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return developmentSecrets(names);
  }
  return stored;
}

function readDevelopmentSecrets(): Record<string, string> {
  try {
    return JSON.parse(readFileSync(developmentSecretsFile, 'utf8')) as Record<string, string>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
}
