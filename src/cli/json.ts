import { snakeCaseKeys } from '../api/snake-case.js';

/** One JSON document on its own line of stdout, for `--json`, in the API's snake_case. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(snakeCaseKeys(value))}\n`);
}
