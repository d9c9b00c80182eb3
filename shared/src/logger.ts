import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** JSON lines on stdout, or on `destination` (tests read what a process would have written). */
export function createLogger(options: { name: string; level: string; destination?: DestinationStream }): Logger {
  return pino({ name: options.name, level: options.level, redact: ['req.headers.authorization', 'token'] }, options.destination);
}
