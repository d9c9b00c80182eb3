import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(options: { name: string; level: string }): Logger {
  return pino({ name: options.name, level: options.level, redact: ['req.headers.authorization', 'token'] });
}
