import { InvalidArgumentError } from 'commander';

/**
 * Wraps a command's action: one line on stderr and the right exit code on failure, never a stack
 * trace for an expected problem, never a secret. The error module (which knows the database's
 * errors) is loaded only when there is an error to describe.
 */
export function action<A extends unknown[]>(
  run: (...args: A) => Promise<number | undefined> | Promise<void>,
) {
  return async (...args: A): Promise<void> => {
    try {
      const code = await run(...args);
      if (typeof code === 'number') process.exitCode = code;
    } catch (error) {
      const [{ readEnvironment }, { describeError, exitCodeFor }] = await Promise.all([
        import('../config/index.js'),
        import('./errors.js'),
      ]);
      const env = readEnvironment();
      process.stderr.write(`${describeError(error, [env.TMDB_API_KEY, env.ADMIN_TOKEN])}\n`);
      process.exitCode = exitCodeFor(error);
    }
  };
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
