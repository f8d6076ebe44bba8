/**
 * Import of a synthetic horror_movies.csv (TidyTuesday layout, written as R writes it: `NA` for
 * missing values, quoted fields with commas, doubled quotes and multi-line overviews) on SQLite.
 * Usage: npm run bench:import [-- --rows 30000] ; writes the table into docs/BENCHMARKS.md.
 * Target: 30,000 rows in under 5 s, memory bounded (the file is streamed, films written in batches).
 */
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLogger } from '../src/config/logger.js';
import { HORROR_MOVIES_COLUMNS, type ImportSummary, importCsv } from '../src/ingest/index.js';
import { createTestDatabase } from '../tests/helpers/databases.js';
import { replaceSection } from './report.js';

const rowsArgument = process.argv.indexOf('--rows');
const baseRows = (rowsArgument === -1 ? 0 : Number(process.argv[rowsArgument + 1])) || 30_000;
const MB = 1024 * 1024;

const quote = (text: string) => `"${text.replaceAll('"', '""')}"`;
const orNa = (i: number, every: number, value: string) => (i % every === 0 ? 'NA' : value);

/** One film as R's write.csv would write it; every 200th row has a runtime no parser accepts. */
function syntheticRow(i: number): string {
  const overview =
    i % 5 === 0
      ? quote(`A family moves into a house, and "something" waits.\nThe second line of film ${i}.`)
      : quote(`Film ${i}: a town, a curse and a lake. `.repeat(3));
  const votes = i % 4 === 0 ? 0 : 5 + (i % 3000);
  const cells: Record<(typeof HORROR_MOVIES_COLUMNS)[number], string> = {
    id: String(100_000 + i),
    original_title: quote(`Original horror ${i}`),
    title: quote(i % 3 === 0 ? `Horror, part ${i}` : `Horror ${i}`),
    original_language: i % 3 ? 'en' : 'ja',
    overview: orNa(i, 17, overview),
    tagline: orNa(i, 2, quote('Do not look behind you.')),
    release_date: orNa(i, 41, `${1960 + (i % 64)}-${String((i % 12) + 1).padStart(2, '0')}-15`),
    poster_path: orNa(i, 13, `/p${i}.jpg`),
    popularity: ((i % 997) / 7).toFixed(3),
    vote_count: String(votes),
    vote_average: votes === 0 ? '0' : ((i % 100) / 10).toFixed(1),
    budget: orNa(i, 3, String((i % 50) * 100_000)),
    revenue: orNa(i, 3, String((i % 70) * 100_000)),
    runtime: i % 200 === 7 ? '12x' : orNa(i, 11, String(70 + (i % 60))),
    status: 'Released',
    adult: 'FALSE',
    backdrop_path: orNa(i, 7, `/b${i}.jpg`),
    genre_names: quote(i % 2 ? 'Horror, Thriller' : 'Horror'),
    collection: i % 9 === 0 ? String(5000 + (i % 300)) : 'NA',
    collection_name: i % 9 === 0 ? quote(`Horror Collection ${i % 300}`) : 'NA',
  };
  return HORROR_MOVIES_COLUMNS.map((column) => cells[column]).join(',');
}

async function writeSyntheticFile(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write(`${HORROR_MOVIES_COLUMNS.join(',')}\n`);
  for (let i = 0; i < rows; i += 1) {
    if (!out.write(`${syntheticRow(i)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Samples the resident set size while `work` runs: the highest value seen, in bytes. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  try {
    const result = await work();
    return { result, peak: Math.max(peak, process.memoryUsage.rss()) };
  } finally {
    clearInterval(timer);
  }
}

interface Measurement {
  rows: number;
  fileMb: number;
  seconds: number;
  cpuSeconds: number;
  summary: ImportSummary;
  rssBeforeMb: number;
  peakRssMb: number;
}

async function measure(rows: number, dir: string): Promise<Measurement> {
  const path = join(dir, `horror_movies_${rows}.csv`);
  await writeSyntheticFile(path, rows);
  const database = await createTestDatabase('sqlite');
  try {
    const logger = createLogger({ level: 'silent' });
    const rssBefore = process.memoryUsage.rss();
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const { result: summary, peak } = await withPeakRss(() =>
      importCsv({ stores: database.stores, logger }, path, { minVotes: 0 }),
    );
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    if (summary.imported + summary.rejected.length !== rows) {
      throw new Error(
        `expected ${rows} rows imported or rejected, got ${summary.imported} + ${summary.rejected.length}`,
      );
    }
    return {
      rows,
      fileMb: statSync(path).size / MB,
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      summary,
      rssBeforeMb: rssBefore / MB,
      peakRssMb: peak / MB,
    };
  } finally {
    await database.drop();
  }
}

// Wall time on a shared machine depends on what else runs; CPU time and the load say how much.
const loadAtStart = loadavg()[0];
const dir = mkdtempSync(join(tmpdir(), 'horrorcast-bench-import-'));
const results: Measurement[] = [];
try {
  // The larger file shows whether memory grows with the file: it should not.
  for (const rows of [baseRows, baseRows * 4]) results.push(await measure(rows, dir));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const table = [
  '| rows | file | imported | rejected | wall time | CPU time | rows/s (wall) | RSS before | peak RSS during import | target |',
  '|---|---|---|---|---|---|---|---|---|---|',
  ...results.map(
    (r) =>
      `| ${r.rows} | ${r.fileMb.toFixed(1)} MB | ${r.summary.imported} | ${r.summary.rejected.length} | ${r.seconds.toFixed(2)} s | ${r.cpuSeconds.toFixed(2)} s | ${Math.round(r.rows / r.seconds)} | ${r.rssBeforeMb.toFixed(0)} MB | ${r.peakRssMb.toFixed(0)} MB | ${r.rows === baseRows ? '< 5 s' : 'peak RSS close to the smaller file'} |`,
  ),
].join('\n');
console.log(table);
replaceSection(
  'Import (npm run bench:import)',
  `Command: \`npm run bench:import\` (${new Date().toISOString().slice(0, 10)}, SQLite, synthetic horror_movies.csv written as R writes it: \`NA\` cells in most optional columns, quoted titles and genre lists with commas, every fifth overview on two lines with doubled quotes, a quarter of the films without votes, every 200th runtime unreadable; \`--min-votes 0\` so every good row is written; RSS sampled every 10 ms in the same process, after writing the file; load average ${loadAtStart.toFixed(1)} on the 2 cores when it started, so wall time is well above CPU time when other work shares the machine).\n\n${table}`,
);
