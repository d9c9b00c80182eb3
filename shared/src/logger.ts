import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * JSON lines on stdout, or on `destination` (tests read what a process would have written).
 * Written synchronously: pino's default asynchronous stdout flushes what is left on exit, and that
 * flush retries a write to a closed pipe (`make start | tee log`, then Ctrl-C) for as long as the
 * process lives, so it never exited. A synchronous write that fails with EPIPE just stops logging.
 * The processes log state changes and rates, never a line per request, so this costs nothing.
 */
export function createLogger(options: { name: string; level: string; destination?: DestinationStream }): Logger {
  return pino(
    { name: options.name, level: options.level, redact: ['req.headers.authorization', 'token'] },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
