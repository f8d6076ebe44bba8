import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, expect, it } from 'vitest';
import { CsvFormatError, HORROR_MOVIES_COLUMNS, importCsv } from '../../src/ingest/index.js';
import { parseGenres } from '../../src/persistence/index.js';
import { runCli } from '../helpers/cli.js';
import { emptyCollectionTables } from '../helpers/database-state.js';
import { describeEachDialect } from '../helpers/databases.js';
import { quietLogger } from './helpers.js';

const header = HORROR_MOVIES_COLUMNS.join(',');
const row = (values: Partial<Record<(typeof HORROR_MOVIES_COLUMNS)[number], string>>) => {
  const defaults = {
    id: '1',
    original_title: 'Orig',
    title: 'Title',
    original_language: 'en',
    overview: 'Plain overview',
    tagline: '',
    release_date: '2019-10-31',
    poster_path: '/p.jpg',
    popularity: '12.5',
    vote_count: '120',
    vote_average: '6.4',
    budget: '0',
    revenue: '0',
    runtime: '95',
    status: 'Released',
    adult: 'FALSE',
    backdrop_path: '',
    genre_names: 'Horror',
    collection: '',
    collection_name: '',
  };
  return HORROR_MOVIES_COLUMNS.map((column) => ({ ...defaults, ...values })[column]).join(',');
};

/** Line numbers below are the file's own: a quoted overview spans lines 3 and 4. */
const file = [
  header,
  row({ id: '760161', title: 'Orphan: First Kill', genre_names: '"Horror, Thriller"' }),
  row({
    id: '760741',
    title: '"Beast, the ""wild"" one"',
    overview: '"Two lines,\nwith a comma"',
    runtime: '',
  }),
  row({ id: 'abc' }),
  row({ id: '882598', release_date: '2022-02-30' }),
  row({ id: '756999', title: '' }),
  row({ id: '717728', vote_average: '11' }),
  '717729,too,few,fields',
  row({ id: '760161', title: 'Duplicate' }),
  row({ id: '505', adult: 'maybe' }),
  row({ id: '606', genre_names: '', release_date: '' }),
  row({ id: '707', overview: '"never closed' }),
].join('\n');

const expectedRejections = [
  { line: 5, reason: expect.stringMatching(/^id: expected a positive whole number, got "abc"/) },
  { line: 6, reason: expect.stringMatching(/^release_date: expected a date as YYYY-MM-DD/) },
  { line: 7, reason: expect.stringMatching(/^title: is empty/) },
  { line: 8, reason: expect.stringMatching(/^vote_average: expected a number from 0 to 10/) },
  { line: 9, reason: 'expected 20 fields, found 4' },
  { line: 10, reason: 'id 760161 already appears on line 2' },
  { line: 11, reason: expect.stringMatching(/^adult: expected TRUE or FALSE/) },
  { line: 13, reason: expect.stringMatching(/never closed/) },
];

function writeCsv(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'horrorcast-csv-')), 'horror_movies.csv');
  writeFileSync(path, content);
  return path;
}

describeEachDialect('horror_movies.csv import', (database) => {
  const deps = () => ({ stores: database().stores, logger: quietLogger() });
  beforeEach(async () => {
    await emptyCollectionTables(database().handle);
  });

  it('imports the good rows and reports each bad one with its line number and reason', async () => {
    const summary = await importCsv(deps(), writeCsv(file));
    expect(summary.rejected).toEqual(expectedRejections);
    expect(summary).toMatchObject({ rows: 11, imported: 3, newFilms: 3, snapshots: 3 });

    const { films, collectionRuns } = database().stores;
    const orphan = await films.find(760161);
    expect(orphan).toMatchObject({
      title: 'Orphan: First Kill',
      runtime: 95,
      popularity: 12.5,
      vote_count: 120,
    });
    expect(parseGenres(orphan!.genres)).toEqual(['Horror', 'Thriller']);
    expect(orphan!.details_fetched_at).toBeNull();
    const beast = await films.find(760741);
    expect(beast).toMatchObject({
      title: 'Beast, the "wild" one',
      overview: 'Two lines,\nwith a comma',
      runtime: null,
    });
    expect(await films.find(606)).toMatchObject({ release_date: null, genres: null });
    expect(await films.countSnapshots()).toBe(3);
    const [run] = await collectionRuns.all();
    expect(run).toMatchObject({ source: 'csv', status: 'partial', new_films: 3, failure_count: 8 });
    expect(JSON.parse(run?.failures ?? '[]')[0].reason).toMatch(/^line 5: id:/);
  });

  it('updates films already known instead of duplicating them', async () => {
    const path = writeCsv([header, row({ id: '42' })].join('\n'));
    await importCsv(deps(), path);
    const again = await importCsv(deps(), path);
    expect(again).toMatchObject({ imported: 1, newFilms: 0, updatedFilms: 1, rejected: [] });
  });

  it('refuses a file without the horror_movies.csv header', async () => {
    await expect(importCsv(deps(), writeCsv('name,year\nx,1999\n'))).rejects.toThrow(CsvFormatError);
    await expect(importCsv(deps(), writeCsv('name,year\nx,1999\n'))).rejects.toThrow(
      /lacks the columns id, title/,
    );
  });

  it('horrorcast import prints every rejected row with its line and exits 1', async () => {
    const result = await runCli(['import', writeCsv(file)], { DATABASE_URL: database().url });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/imported 3 of 11 rows/);
    for (const { line } of expectedRejections)
      expect(result.stderr).toMatch(new RegExp(`:${line}: rejected: `));
    const clean = await runCli(['import', writeCsv([header, row({ id: '9' })].join('\n'))], {
      DATABASE_URL: database().url,
    });
    expect(clean.code, clean.stderr).toBe(0);
  });
});
