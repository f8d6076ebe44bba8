import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { HORROR_MOVIES_COLUMNS, importCsv, runIngest } from '../../src/ingest/index.js';
import { MixedSourcesError } from '../../src/ingest/source-guard.js';
import { type MockTmdb, startMockTmdb } from '../../src/tmdb/mock/index.js';
import { runCli } from '../helpers/cli.js';
import { emptyCollectionTables } from '../helpers/database-state.js';
import { describeEachDialect } from '../helpers/databases.js';
import { expectedFilms, KEY, quietLogger, smallCatalog, tmdbFor, YEARS } from '../ingest/helpers.js';

const catalog = smallCatalog(5);
const demoFilms = expectedFilms(catalog);
const collect = { ...YEARS, maxPagesPerYear: 20, minVotes: 10 };

let mock: MockTmdb;
beforeAll(async () => {
  mock = await startMockTmdb({ catalog, apiKeys: [KEY] });
});
afterAll(async () => {
  await mock.close();
});

/** A horror_movies.csv whose films carry the ids of three demo films, with real-looking values. */
function realFilmsCsv(): string {
  const dir = mkdtempSync(join(tmpdir(), 'horrorcast-source-'));
  const file = join(dir, 'horror_movies.csv');
  const rows = demoFilms.slice(0, 3).map((film, index) => {
    const values: Record<string, string> = {
      id: String(film.id),
      original_title: `Real Film ${index}`,
      title: `Real Film ${index}`,
      original_language: 'en',
      release_date: '2019-10-31',
      popularity: '22.2',
      vote_count: '500',
      vote_average: '6.5',
      runtime: '90',
      genre_names: 'Horror',
      status: 'Released',
      adult: 'FALSE',
      budget: '0',
      revenue: '0',
    };
    return HORROR_MOVIES_COLUMNS.map((column) => values[column] ?? '').join(',');
  });
  writeFileSync(file, `${HORROR_MOVIES_COLUMNS.join(',')}\n${rows.join('\n')}\n`);
  return file;
}

describeEachDialect('film source safety', (database) => {
  beforeEach(async () => {
    await emptyCollectionTables(database().handle);
  });

  it('refuses a demo collection into a database of imported real films, and leaves every film unchanged', async () => {
    const { stores } = database();
    const deps = { stores, logger: quietLogger() };
    await importCsv(deps, realFilmsCsv(), { minVotes: 0 });
    expect(await stores.databaseFacts.get('film_source')).toBe('import');
    const before = await stores.films.all();
    const runsBefore = await stores.collectionRuns.count();

    const demo = runIngest({ ...deps, tmdb: tmdbFor(mock) }, { ...collect, source: 'demo' });
    await expect(demo).rejects.toBeInstanceOf(MixedSourcesError);
    await expect(demo).rejects.toThrow(/--allow-mixed-sources/);

    expect(await stores.films.all()).toEqual(before);
    expect(before.map((film) => film.title).sort()).toEqual(['Real Film 0', 'Real Film 1', 'Real Film 2']);
    expect(await stores.collectionRuns.count()).toBe(runsBefore);
  });

  it('refuses an import into a demo database, and collects from TMDB into an imported one', async () => {
    const { stores } = database();
    const deps = { stores, logger: quietLogger() };
    await runIngest({ ...deps, tmdb: tmdbFor(mock) }, { ...collect, source: 'demo' });
    expect(await stores.databaseFacts.get('film_source')).toBe('demo');
    await expect(importCsv(deps, realFilmsCsv(), { minVotes: 0 })).rejects.toBeInstanceOf(MixedSourcesError);

    await emptyCollectionTables(database().handle);
    await importCsv(deps, realFilmsCsv(), { minVotes: 0 });
    const tmdb = await runIngest({ ...deps, tmdb: tmdbFor(mock) }, { ...collect, source: 'tmdb' });
    expect(tmdb.status).toBe('succeeded');
    // The first run decides what the database holds; TMDB and imported films both have real ids.
    expect(await stores.databaseFacts.get('film_source')).toBe('import');
  });

  it('mixes the sources only when asked to', async () => {
    const { stores } = database();
    const deps = { stores, logger: quietLogger() };
    await importCsv(deps, realFilmsCsv(), { minVotes: 0 });
    const mixed = await runIngest(
      { ...deps, tmdb: tmdbFor(mock) },
      { ...collect, source: 'demo', allowMixedSources: true },
    );
    expect(mixed.status).toBe('succeeded');
    expect(await stores.films.count()).toBe(demoFilms.length);
  });
});

describeEachDialect(
  '`horrorcast ingest` without a TMDB key on a database of imported films',
  (database) => {
    it('stops with one line saying why and how to proceed, exit code 2', async () => {
      await emptyCollectionTables(database().handle);
      const env = { DATABASE_URL: database().url, INGEST_START_YEAR: '2010', INGEST_END_YEAR: '2010' };
      const imported = await runCli(['import', realFilmsCsv(), '--min-votes', '0'], env);
      expect(imported.code, imported.stderr).toBe(0);
      const before = await database().stores.films.all();

      const { code, stderr } = await runCli(['ingest'], env);
      expect(code).toBe(2);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(/^horrorcast: refused: this database holds films imported from a CSV file/);
      expect(stderr).toMatch(/TMDB_API_KEY.*DATABASE_URL.*--allow-mixed-sources/);
      expect(await database().stores.films.all()).toEqual(before);
    });
  },
  { dialects: ['sqlite'] },
);
