import { z } from 'zod';
import { baseConfigShape, ConfigError, loadConfig } from './config.js';

describe('configuration', () => {
  it('has defaults that work on a development machine', () => {
    const config = loadConfig(baseConfigShape, [], {});
    expect(config).toMatchObject({
      NODE_ENV: 'development',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/argus',
      AMQP_URL: ['amqp://guest:guest@127.0.0.1:5672'],
      AMQP_PREFIX: 'argus',
    });
  });

  it('names every invalid variable and never prints its value', () => {
    const secret = 'amqp-password-that-must-not-leak';
    const attempt = () =>
      loadConfig({ ...baseConfigShape, PORT: z.coerce.number().int() }, [], { DATABASE_URL: 'mysql://x', AMQP_URL: `nope${secret}`, PORT: 'eighty' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const message = (error as Error).message;
      for (const key of ['DATABASE_URL', 'AMQP_URL', 'PORT']) expect(message).toContain(key);
      expect(message).not.toContain(secret);
    }
  });

  it('refuses to start in production without its secrets', () => {
    expect(() => loadConfig(baseConfigShape, ['JWT_SECRET'], { NODE_ENV: 'production' })).toThrow(/JWT_SECRET: required in production/);
  });

  it('takes a secret from the environment when one is given', () => {
    const secret = 'x'.repeat(40);
    expect(loadConfig(baseConfigShape, ['JWT_SECRET'], { NODE_ENV: 'production', JWT_SECRET: secret }).JWT_SECRET).toBe(secret);
  });
});
