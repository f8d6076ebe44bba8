import { spawnSync } from 'node:child_process';
import { it } from 'vitest';

/** Prometheus's own checker (Debian package prometheus); CI installs it, elsewhere it may be missing. */
const available = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;

/**
 * `it` for a test that needs promtool: without it, the test is skipped with a line saying why,
 * unless CI=true, where a missing promtool fails the test instead.
 */
export function itWithPromtool(name: string, test: () => Promise<void>): void {
  if (available || process.env.CI === 'true') {
    it(name, test);
    return;
  }
  console.warn(
    `Skipping "${name}": promtool is not installed (apt-get install prometheus), and CI is not true.`,
  );
  it.skip(name, test);
}

/** Runs `promtool check metrics` on an exposition; returns what it printed, and throws when it objects. */
export function checkWithPromtool(exposition: string): string {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  if (result.error) throw result.error;
  const output = `${result.stdout}${result.stderr}`.trim();
  if (result.status !== 0) throw new Error(`promtool check metrics failed:\n${output}`);
  return output;
}
