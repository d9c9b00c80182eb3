import { ConfigError } from './config.js';
import { createLogger, type Logger } from './logger.js';

export type ServiceProcess = { start(): Promise<unknown>; stop(): Promise<void> };

/**
 * Runs one Argus process from its `main.ts`: parse config (an invalid one prints every problem and
 * exits 1), start, and on the first SIGTERM or SIGINT stop in order so in-flight work finishes first.
 */
export async function runProcess<C extends { LOG_LEVEL: string }>(options: {
  name: string;
  loadConfig: () => C;
  create: (config: C, log: Logger) => ServiceProcess;
}): Promise<void> {
  let config: C;
  try {
    config = options.loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`${options.name}: ${error.message}`);
    process.exit(1);
  }
  const log = createLogger({ name: options.name, level: config.LOG_LEVEL });
  const service = options.create(config, log);
  const starting = service.start();
  // Ctrl-C in `make start` sends SIGINT to every process and the start script then sends SIGTERM:
  // the first signal stops the service, later ones are ignored rather than exiting before it drained.
  // Listening from the start: a signal while the service starts stops it once it has started.
  let stopping = false;
  const shutDown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    starting
      .catch(() => {})
      .then(() => service.stop())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          log.error({ err: error }, 'unclean shutdown');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', shutDown);
  process.on('SIGINT', shutDown);
  try {
    await starting;
  } catch (error) {
    if (stopping) return; // asked to stop meanwhile: shutDown does
    log.fatal({ err: error }, 'cannot start');
    await service.stop().catch(() => {});
    process.exit(1);
  }
}
