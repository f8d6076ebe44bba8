import { readFileSync } from 'node:fs';

/** Horrorcast's version from package.json (one folder above src/ and dist/ alike). */
export function packageVersion(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
