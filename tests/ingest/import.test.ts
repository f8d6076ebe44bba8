import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, expect, it } from 'vitest';
import { CsvFormatError, HORROR_MOVIES_COLUMNS, importCsv } from '../../src/ingest/index.js';
import { parseGenres } from '../../src/persistence/index.js';
import { computeTraining } from '../../src/training/pipeline.js';
import { runTraining } from '../../src/training/run.js';
import { buildTestApp } from '../api/app.js';
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

/** The collection's default minimum: every film above has 120 votes. */
const options = { minVotes: 10 };

describeEachDialect('horror_movies.csv import', (database) => {
  const deps = () => ({ stores: database().stores, logger: quietLogger() });
  beforeEach(async () => {
    await emptyCollectionTables(database().handle);
  });

  it('imports the good rows and reports each bad one with its line number and reason', async () => {
    const summary = await importCsv(deps(), writeCsv(file), options);
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
    expect(run).toMatchObject({
      source: 'import',
      source_file: 'horror_movies.csv',
      status: 'partial',
      new_films: 3,
      failure_count: 8,
    });
    expect(JSON.parse(run?.failures ?? '[]')[0].reason).toMatch(/^line 5: id:/);
  });

  it('updates films already known instead of duplicating them', async () => {
    const path = writeCsv([header, row({ id: '42' })].join('\n'));
    await importCsv(deps(), path, options);
    const again = await importCsv(deps(), path, options);
    expect(again).toMatchObject({ imported: 1, newFilms: 0, updatedFilms: 1, rejected: [] });
  });

  it('refuses a file without the horror_movies.csv header', async () => {
    await expect(importCsv(deps(), writeCsv('name,year\nx,1999\n'), options)).rejects.toThrow(CsvFormatError);
    await expect(importCsv(deps(), writeCsv('name,year\nx,1999\n'), options)).rejects.toThrow(
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

describeEachDialect('horror_movies.csv import of an R-written file', (database) => {
  const deps = () => ({ stores: database().stores, logger: quietLogger() });
  beforeEach(async () => {
    await emptyCollectionTables(database().handle);
  });

  it('reads NA and empty cells as missing values in every optional column', async () => {
    const path = writeCsv(
      [
        header,
        row({
          id: '11',
          original_title: 'NA',
          original_language: 'NA',
          overview: 'NA',
          tagline: 'NA',
          release_date: 'NA',
          poster_path: 'NA',
          backdrop_path: 'NA',
          budget: 'NA',
          revenue: 'NA',
          runtime: 'NA',
          status: 'NA',
          adult: 'NA',
          genre_names: 'NA',
          collection: 'NA',
          collection_name: 'NA',
        }),
        row({
          id: '12',
          original_title: '',
          overview: '',
          poster_path: '',
          runtime: '',
          adult: '',
          genre_names: '',
          collection: '',
        }),
      ].join('\n'),
    );
    const summary = await importCsv(deps(), path, options);
    expect(summary).toMatchObject({ rows: 2, imported: 2, rejected: [] });
    const { films } = database().stores;
    for (const id of [11, 12]) {
      expect(await films.find(id)).toMatchObject({
        original_title: null,
        overview: null,
        poster_path: null,
        runtime: null,
        genres: null,
      });
    }
    expect(await films.find(11)).toMatchObject({
      original_language: null,
      release_date: null,
      backdrop_path: null,
    });
  });

  it('stores tagline, status, budget, revenue and the collection a row names', async () => {
    const path = writeCsv(
      [
        header,
        row({
          id: '21',
          tagline: 'Lights out.',
          budget: '4900000',
          revenue: '0',
          status: 'Released',
          collection: '448150',
          collection_name: 'Lights Out Collection',
        }),
        row({ id: '22', collection: '448150', collection_name: 'NA' }),
      ].join('\n'),
    );
    expect(await importCsv(deps(), path, options)).toMatchObject({ imported: 2, rejected: [] });
    const { films } = database().stores;
    expect(await films.find(21)).toMatchObject({
      tagline: 'Lights out.',
      budget: 4_900_000,
      revenue: null,
      status: 'Released',
      collection_id: 448150,
    });
    expect((await films.factsOf(21)).collection).toEqual({ id: 448150, name: 'Lights Out Collection' });
    expect(await films.find(22)).toMatchObject({ collection_id: null, budget: null });
  });

  it('names the line, column and value of a bad cell while the good rows around it land', async () => {
    const good = Array.from({ length: 600 }, (_, i) => row({ id: String(1000 + i) }));
    const path = writeCsv(
      [header, ...good.slice(0, 40), row({ id: '42', runtime: '12x' }), ...good.slice(40)].join('\n'),
    );
    const summary = await importCsv(deps(), path, options);
    expect(summary.rejected).toEqual([
      { line: 42, reason: 'runtime: expected a whole number of minutes, got "12x"' },
    ]);
    expect(summary).toMatchObject({ rows: 601, imported: 600, newFilms: 600, snapshots: 600 });
    expect(await database().stores.films.countSnapshots()).toBe(600);
    const [run] = await database().stores.collectionRuns.all();
    expect(run).toMatchObject({ source: 'import', failure_count: 1, new_films: 600 });
    expect(JSON.parse(run.failures!)).toEqual([
      { reason: 'line 42: runtime: expected a whole number of minutes, got "12x"' },
    ]);
  });

  it('checks the collection columns and keeps genre_names as the genres', async () => {
    const path = writeCsv(
      [
        header,
        row({
          id: '51',
          collection: '8581',
          collection_name: 'A Nightmare on Elm Street Collection',
          genre_names: '"Horror, Mystery"',
        }),
        row({ id: '52', collection: 'abc', collection_name: 'Broken' }),
      ].join('\n'),
    );
    const summary = await importCsv(deps(), path, options);
    expect(summary.rejected).toEqual([
      { line: 3, reason: 'collection: expected a positive whole number, got "abc"' },
    ]);
    expect(parseGenres((await database().stores.films.find(51))!.genres)).toEqual(['Horror', 'Mystery']);
  });

  it('rejects a rating that is missing although the film has votes', async () => {
    const path = writeCsv([header, row({ id: '5', vote_average: 'NA' })].join('\n'));
    const summary = await importCsv(deps(), path, options);
    expect(summary.rejected).toEqual([
      {
        line: 2,
        reason: expect.stringMatching(
          /^vote_average: expected a number from 0 to 10 for a film with 120 votes/,
        ),
      },
    ]);
  });

  it('skips films with fewer votes than the minimum, counting them apart from rejections', async () => {
    const path = writeCsv(
      [
        header,
        row({ id: '1', vote_count: '0', vote_average: '0' }),
        row({ id: '2', vote_count: '9', vote_average: '5.5' }),
        row({ id: '3', vote_count: '10', vote_average: '6' }),
        row({ id: '4', vote_count: '0', vote_average: 'NA' }),
      ].join('\n'),
    );
    const summary = await importCsv(deps(), path, options);
    expect(summary).toMatchObject({ rows: 4, imported: 1, skipped: 3, rejected: [] });
    const { films } = database().stores;
    expect(await films.find(1)).toBeUndefined();
    expect(await films.find(3)).toMatchObject({ vote_count: 10 });
    const [run] = await database().stores.collectionRuns.all();
    expect(run).toMatchObject({ status: 'succeeded', skipped: 3, failure_count: 0 });

    const kept = await importCsv(deps(), path, { minVotes: 0 });
    expect(kept).toMatchObject({ imported: 4, skipped: 0, newFilms: 3 });
    expect(await films.find(4)).toMatchObject({ vote_count: 0 });
  });

  it('horrorcast import applies INGEST_MIN_VOTES unless --keep-unvoted, and prints snake_case JSON', async () => {
    const path = writeCsv(
      [header, row({ id: '1', vote_count: '0', vote_average: 'NA' }), row({ id: '2' })].join('\n'),
    );
    const env = { DATABASE_URL: database().url, INGEST_MIN_VOTES: '10' };
    const strict = await runCli(['import', '--json', path], env);
    expect(strict.code, strict.stderr).toBe(0);
    expect(JSON.parse(strict.stdout)).toMatchObject({ rows: 2, imported: 1, skipped: 1, new_films: 1 });
    const kept = await runCli(['import', '--keep-unvoted', '--json', path], env);
    expect(kept.code, kept.stderr).toBe(0);
    expect(JSON.parse(kept.stdout)).toMatchObject({
      imported: 2,
      skipped: 0,
      new_films: 1,
      updated_films: 1,
    });
  });

  it('reads quoted multi-line fields, CRLF line ends and a byte-order mark', async () => {
    const lines = [
      header,
      row({
        id: '21',
        overview: '"First line,\r\nsecond ""quoted"" line\r\nthird"',
        title: '"Hello, Again"',
      }),
      row({ id: '22' }),
      row({ id: 'x23' }),
    ];
    const summary = await importCsv(deps(), writeCsv(`\ufeff${lines.join('\r\n')}\r\n`), options);
    expect(summary.rejected).toEqual([
      { line: 6, reason: 'id: expected a positive whole number, got "x23"' },
    ]);
    expect(summary).toMatchObject({ rows: 3, imported: 2 });
    expect(await database().stores.films.find(21)).toMatchObject({
      title: 'Hello, Again',
      overview: 'First line,\r\nsecond "quoted" line\r\nthird',
    });
  });

  it('/api/status shows the last run as an import with its file, rejected and skipped rows', async () => {
    const path = writeCsv(
      [
        header,
        row({ id: '41' }),
        row({ id: '42', vote_count: '0', vote_average: 'NA' }),
        row({ id: 'x' }),
      ].join('\n'),
    );
    await importCsv(deps(), path, options);
    const { app } = await buildTestApp(database().handle);
    try {
      const response = await app.inject({ method: 'GET', url: '/api/status' });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({
        data_source: 'import',
        last_collection: {
          source: 'import',
          source_file: 'horror_movies.csv',
          status: 'partial',
          new_films: 1,
          failure_count: 1,
          skipped: 1,
        },
      });
    } finally {
      await app.close();
    }
  });

  it('reports broken quoting by line and imports the rows after it', async () => {
    const path = writeCsv(
      [
        header,
        row({ id: '31', overview: '"Said "no" twice"' }),
        row({ id: '32', title: 'Ab"c' }),
        row({ id: '33' }),
      ].join('\n'),
    );
    const summary = await importCsv(deps(), path, options);
    expect(summary.rejected).toEqual([
      { line: 2, reason: expect.stringMatching(/^broken quoting: unexpected text after a closing quote/) },
      { line: 3, reason: expect.stringMatching(/^broken quoting: a quote inside an unquoted field/) },
    ]);
    expect(summary).toMatchObject({ imported: 1 });
    expect(await database().stores.films.find(33)).toBeDefined();
  });
});

describeEachDialect('horror_movies.csv import of films nobody has voted on', (database) => {
  beforeEach(async () => {
    await emptyCollectionTables(database().handle);
  });

  /** Films 1 (rating 0) and 2 (rating NA) without votes, and 40 films with votes and varied figures. */
  const unvotedFile = () =>
    writeCsv(
      [
        header,
        row({ id: '1', title: 'Unseen', vote_count: '0', vote_average: '0', popularity: '0.6' }),
        row({ id: '2', title: 'Unheard', vote_count: '0', vote_average: 'NA', popularity: '0.6' }),
        ...Array.from({ length: 40 }, (_, i) =>
          row({
            id: String(100 + i),
            title: `Voted ${i}`,
            vote_count: String(15 + ((i * 37) % 400)),
            vote_average: (3 + ((i * 7) % 60) / 10).toFixed(1),
            popularity: (1 + ((i * 13) % 50)).toFixed(1),
            runtime: String(80 + ((i * 11) % 40)),
            release_date: `${2000 + (i % 20)}-${String((i % 12) + 1).padStart(2, '0')}-13`,
            genre_names: i % 2 ? '"Horror, Thriller"' : 'Horror',
          }),
        ),
      ].join('\n'),
    );

  async function importKeepingUnvoted(): Promise<void> {
    const result = await runCli(['import', '--keep-unvoted', '--json', unvotedFile()], {
      DATABASE_URL: database().url,
      INGEST_MIN_VOTES: '10',
    });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ imported: 42, skipped: 0 });
  }

  it('stores no rating, serves null and leaves the films out of training', async () => {
    await importKeepingUnvoted();
    const { stores, handle } = database();
    for (const id of [1, 2]) {
      expect(await stores.films.find(id)).toMatchObject({ vote_count: 0, vote_average: null });
      const snapshots = await stores.films.snapshotHistory(id);
      expect(snapshots.map((s) => s.vote_average)).toEqual([null]);
    }
    expect(await stores.films.find(100)).toMatchObject({ vote_average: 3 });

    const { app } = await buildTestApp(handle);
    try {
      const response = await app.inject({ method: 'GET', url: '/api/movies/1' });
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json();
      expect(body.movie).toMatchObject({ tmdb_id: 1, vote_count: 0, vote_average: null });
      expect(body.snapshots).toEqual([expect.objectContaining({ vote_count: 0, vote_average: null })]);
    } finally {
      await app.close();
    }

    const summary = await runTraining({
      stores,
      settings: { trees: 5 },
      compute: (films, settings) => computeTraining(films, settings),
    });
    expect(summary).toMatchObject({ status: 'succeeded', sampleCount: 40 });
    expect(summary.metrics?.n).toBe(40);
    expect(summary.metrics?.notes).toContain('2 films nobody has voted on yet left out (no rating to learn)');
    const run = await stores.trainingRuns.latestSucceeded();
    if (!run) throw new Error('expected a successful run');
    for (const id of [1, 2]) expect(await stores.trainingRuns.outOfFoldOf(run.id, id)).toEqual([]);
    const voted = await stores.trainingRuns.outOfFoldOf(run.id, 100);
    expect(voted.map((row) => row.model_name)).toContain('rating_v2');
    const rated = await stores.insights.rankedByResidual(run.id, 'rating_v2', {}, 'desc', {
      limit: 100,
      offset: 0,
    });
    expect(rated.total).toBe(40);
    expect(rated.rows.every((row) => row.tmdb_id >= 100)).toBe(true);
  });

  it('lists films without a rating last in either order, and as an empty cell in CSV', async () => {
    await importKeepingUnvoted();
    const { app } = await buildTestApp(database().handle);
    try {
      for (const order of ['asc', 'desc']) {
        const response = await app.inject({
          method: 'GET',
          url: `/api/movies?sort=rating&order=${order}&limit=100`,
        });
        expect(response.statusCode, response.body).toBe(200);
        const ratings: Array<number | null> = response
          .json()
          .items.map((item: { vote_average: number | null }) => item.vote_average);
        expect(ratings).toHaveLength(42);
        expect(ratings.slice(-2)).toEqual([null, null]);
        const known = ratings.slice(0, -2) as number[];
        const sorted = [...known].sort((a, b) => (order === 'asc' ? a - b : b - a));
        expect(known).toEqual(sorted);
      }
      const csv = await app.inject({ method: 'GET', url: '/api/movies?q=Unseen&format=csv' });
      expect(csv.statusCode, csv.body).toBe(200);
      const [head, line] = csv.body.trim().split('\r\n');
      const columns = head!.split(',');
      expect(line!.split(',')[columns.indexOf('vote_average')]).toBe('');
      expect(line!.split(',')[columns.indexOf('vote_count')]).toBe('0');
    } finally {
      await app.close();
    }
  });
});
