import { ConfigError } from '../config/index.js';
import { maskSecrets } from '../config/logger.js';
import { DatabaseOpenError, DatabaseUnavailableError, MigrationError } from '../persistence/index.js';

/** Raised by a command to stop with a message and an exit code but no stack trace. */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

/** Problems with the environment (configuration, unreachable services) exit with 2, the rest with 1. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CommandError) return error.exitCode;
  if (error instanceof ConfigError || error instanceof DatabaseUnavailableError) return 2;
  const code = (error as { exitCode?: unknown })?.exitCode;
  return typeof code === 'number' ? code : 1;
}

export function describeError(error: unknown, secrets: Array<string | undefined>): string {
  const known =
    error instanceof CommandError ||
    error instanceof ConfigError ||
    error instanceof DatabaseUnavailableError ||
    error instanceof DatabaseOpenError ||
    error instanceof MigrationError ||
    (error as { exitCode?: unknown })?.exitCode !== undefined;
  const text =
    error instanceof Error
      ? known || process.env.LOG_LEVEL === 'debug'
        ? error.message
        : (error.stack ?? error.message)
      : String(error);
  return maskSecrets(
    `horrorcast: ${text}`,
    secrets.filter((s): s is string => Boolean(s)),
  );
}
