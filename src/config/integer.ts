import { z } from 'zod';

/**
 * A whole number within bounds whose error says the accepted range; `coerce` for text that holds a
 * number (environment variables, query strings), without it for JSON numbers.
 */
export function integerBetween(min: number, max: number, options: { coerce?: boolean } = {}) {
  const expectation = { error: `expected an integer between ${min} and ${max}` };
  const number = options.coerce ? z.coerce.number(expectation) : z.number(expectation);
  return number.int(expectation).min(min, expectation).max(max, expectation);
}
