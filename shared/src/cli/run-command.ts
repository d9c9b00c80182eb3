import { ConfigError } from '../config.js';

/** Runs a command-line program: a known failure prints its message alone, anything else its stack. */
export async function runCommand(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    console.error(error instanceof ConfigError || error instanceof UsageError ? error.message : error);
    process.exitCode = 1;
  }
}

export class UsageError extends Error {
  override name = 'UsageError';
}
