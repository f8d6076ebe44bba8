import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const file = 'docs/BENCHMARKS.md';
const header =
  '# Benchmarks\n\nEvery figure here comes from the command named in its section, run on the project machine (2 cores). Timings are never asserted in tests.\n';

/** Replaces (or appends) the `## title` section of docs/BENCHMARKS.md, leaving other sections alone. */
export function replaceSection(title: string, body: string): void {
  mkdirSync('docs', { recursive: true });
  const text = existsSync(file) ? readFileSync(file, 'utf8') : header;
  const heading = `## ${title}`;
  const start = text.indexOf(heading);
  const section = `${heading}\n\n${body.trim()}\n`;
  if (start === -1) {
    writeFileSync(file, `${text.trimEnd()}\n\n${section}`);
    return;
  }
  const next = text.indexOf('\n## ', start + heading.length);
  const end = next === -1 ? text.length : next + 1;
  writeFileSync(file, `${text.slice(0, start)}${section}${next === -1 ? '' : '\n'}${text.slice(end)}`);
}
