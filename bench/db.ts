/**
 * Batch upsert of 10,000 films and 10,000 snapshots on each dialect.
 * Usage: npm run bench:db [-- --films 10000] ; writes the table into docs/BENCHMARKS.md.
 * Targets (issue 2): under 2 s on SQLite, under 5 s on MariaDB.
 */
import { performance } from 'node:perf_hooks';
import type { DialectName, MovieInput } from '../src/persistence/index.js';
import { createTestDatabase } from '../tests/helpers/databases.js';
import { replaceSection } from './report.js';

const films = Number(process.argv[process.argv.indexOf('--films') + 1]) || 10_000;

function syntheticFilms(count: number, version: number): MovieInput[] {
  return Array.from({ length: count }, (_, i) => ({
    tmdb_id: 100_000 + i,
    title: `Synthetic horror ${i} ${version ? '(updated)' : ''}`,
    original_title: `Synthetic horror ${i}`,
    overview: 'A family moves into a house where something is wrong. '.repeat(4),
    original_language: i % 3 ? 'en' : 'ja',
    release_date: `${2010 + (i % 16)}-${String((i % 12) + 1).padStart(2, '0')}-15`,
    popularity: (i % 997) / 7 + version,
    vote_count: i % 5000,
    vote_average: (i % 100) / 10,
    runtime: 80 + (i % 60),
    genres: ['Horror', i % 2 ? 'Thriller' : 'Mystery'],
    poster_path: `/p${i}.jpg`,
    backdrop_path: `/b${i}.jpg`,
    imdb_id: `tt${1_000_000 + i}`,
    details_fetched_at: new Date().toISOString(),
  }));
}

async function measure(dialect: DialectName) {
  const database = await createTestDatabase(dialect);
  const { films: store } = database.stores;
  try {
    let t = performance.now();
    await store.upsert(syntheticFilms(films, 0));
    const insertSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    const result = await store.upsert(syntheticFilms(films, 1));
    const updateSeconds = (performance.now() - t) / 1000;
    if (result.updated !== films) throw new Error(`expected ${films} updates, got ${result.updated}`);
    const ts = new Date().toISOString();
    t = performance.now();
    const written = await store.insertSnapshots(
      syntheticFilms(films, 1).map((f) => ({
        tmdb_id: f.tmdb_id,
        ingest_run_id: null,
        snapshot_ts: ts,
        popularity: f.popularity,
        vote_count: f.vote_count,
        vote_average: f.vote_average,
      })),
    );
    const snapshotSeconds = (performance.now() - t) / 1000;
    if (written !== films) throw new Error(`expected ${films} snapshots, got ${written}`);
    return { dialect, insertSeconds, updateSeconds, snapshotSeconds };
  } finally {
    await database.drop();
  }
}

const rows = [];
for (const dialect of ['sqlite', 'mysql', 'postgres'] as const) {
  try {
    rows.push(await measure(dialect));
  } catch (error) {
    console.error(`${dialect}: ${(error as Error).message}`);
  }
}
const target: Record<string, number> = { sqlite: 2, mysql: 5, postgres: 5 };
const table = [
  `| dialect | insert ${films} films | update ${films} films | ${films} snapshots | insert + snapshots | target |`,
  '|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.dialect} | ${r.insertSeconds.toFixed(2)} s | ${r.updateSeconds.toFixed(2)} s | ${r.snapshotSeconds.toFixed(2)} s | ${(r.insertSeconds + r.snapshotSeconds).toFixed(2)} s | < ${target[r.dialect]} s |`,
  ),
].join('\n');
console.log(table);
replaceSection(
  'Database (npm run bench:db)',
  `Command: \`npm run bench:db\` (${new Date().toISOString().slice(0, 10)}, ${films} films, batches of 500 rows, one statement per batch; MariaDB 10.11 and PostgreSQL 15 on localhost).\n\n${table}`,
);
