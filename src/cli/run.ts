import { InvalidArgumentError } from 'commander';
import { readEnvironment } from '../config/index.js';
import { CommandError, describeError, exitCodeFor } from './errors.js';

/**
 * Wraps a command's action: one line on stderr and the right exit code on failure, never a stack
 * trace for an expected problem, never a secret.
 */
export function action<A extends unknown[]>(
  run: (...args: A) => Promise<number | undefined> | Promise<void>,
) {
  return async (...args: A): Promise<void> => {
    try {
      const code = await run(...args);
      if (typeof code === 'number') process.exitCode = code;
    } catch (error) {
      const env = readEnvironment();
      process.stderr.write(`${describeError(error, [env.TMDB_API_KEY, env.ADMIN_TOKEN])}\n`);
      process.exitCode = exitCodeFor(error);
    }
  };
}

/** For a capability that lands with a later issue: say so and exit 1. */
export function notYetAvailable(command: string, capability: string) {
  return action(async () => {
    throw new CommandError(
      `\`${command}\` is not available yet: ${capability} lands with a later release.`,
      1,
    );
  });
}

/** An option parser; commander reports its error as a usage error (one line, exit code 2: see main.ts). */
export function parseInteger(name: string, min: number, max: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`${name} expects an integer between ${min} and ${max}.`);
    }
    return parsed;
  };
}
