import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadTrainedModels, predictWhatIf } from '../../src/training/predict.js';
import { runTraining } from '../../src/training/run.js';
import { addFilmFacts, deleteStoredModels } from '../helpers/database-state.js';
import { describeEachDialect } from '../helpers/databases.js';
import { buildTestApp, type TestApp } from './app.js';
import { seedDatabase } from './seed.js';

const film = {
  runtime: 97,
  vote_count: 850,
  release_date: '2026-10-30',
  genres: ['Thriller', 'Mystery'],
  original_language: 'en',
};

describeEachDialect('POST /api/predict (what-if)', (database) => {
  let test: TestApp;

  beforeAll(async () => {
    test = await buildTestApp(database().handle);
  });
  afterAll(async () => {
    await test?.app.close();
  });

  function predict(payload: unknown) {
    return test.app.inject({ method: 'POST', url: '/api/predict', payload: payload as object });
  }

  async function rowCounts() {
    const { films, trainingRuns } = database().stores;
    return {
      train_runs: await trainingRuns.count(),
      model_artifacts: await trainingRuns.countResults('model_artifacts'),
      model_predictions: await trainingRuns.countResults('model_predictions'),
      movies: await films.count(),
    };
  }

  it('answers 409 before any training, saying to run `horrorcast train`', async () => {
    const response = await predict(film);
    expect(response.statusCode).toBe(409);
    expect(response.headers['content-type']).toMatch(/application\/json/);
    const body = response.json();
    expect(body).toMatchObject({ statusCode: 409, error: 'Conflict' });
    expect(body.message).toContain('horrorcast train');
    expect(body.hint).toContain('horrorcast ingest');
  });

  it('answers 400 naming the field, whether or not there are models', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...film, runtime: 'long' }, 'body field "runtime"'],
      [{ ...film, runtime: 0 }, 'body field "runtime"'],
      [{ ...film, vote_count: -1 }, 'body field "vote_count"'],
      [{ ...film, vote_count: 2.5 }, 'body field "vote_count"'],
      [{ ...film, release_date: '2026-13-01' }, 'body field "release_date"'],
      [{ ...film, release_date: '30/10/2026' }, 'body field "release_date"'],
      [{ ...film, release_date: undefined }, 'body field "release_date"'],
      [{ ...film, release_year: 2026, release_month: 10 }, 'body field "release_date"'],
      [{ ...film, release_date: undefined, release_year: 2026 }, 'body field "release_month"'],
      [
        { ...film, release_date: undefined, release_year: 2026, release_month: 13 },
        'body field "release_month"',
      ],
      [{ ...film, genres: ['Splatter'] }, 'body field "genres.0"'],
      [{ ...film, genres: 'Thriller' }, 'body field "genres"'],
      [{ ...film, genres: ['Thriller', 'Thriller'] }, 'body field "genres"'],
      [{ ...film, original_language: 'English' }, 'body field "original_language"'],
      [{ ...film, original_language: undefined }, 'body field "original_language"'],
      [{ ...film, budget: -1 }, 'body field "budget"'],
      [{ ...film, budget: 'lots' }, 'body field "budget"'],
      [{ ...film, sequel: 'yes' }, 'body field "sequel"'],
      [{ ...film, companies: 'Blumhouse' }, 'body field "companies"'],
      [{ ...film, keywords: [''] }, 'body field "keywords.0"'],
      [{ ...film, popularity: 12 }, 'popularity'],
    ];
    for (const [payload, named] of cases) {
      const response = await predict(payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().message, JSON.stringify(payload)).toContain(named);
    }
    const genre = await predict({ ...film, genres: ['Splatter'] });
    expect(genre.json().message).toContain('Science Fiction');
  });

  it('answers 409 when the newest run stored no models, saying to train again', async () => {
    const { trainRunId } = await seedDatabase(database().stores);
    const response = await predict(film);
    expect(response.statusCode).toBe(409);
    expect(response.json().message).toContain(`Training run ${trainRunId}`);
    expect(response.json().hint).toContain('horrorcast train');
  });

  it('answers 200 with the newest run’s predictions after a training, without writing anything', async () => {
    const summary = await runTraining({ stores: database().stores, settings: { trees: 10 }, threads: 1 });
    expect(summary.status).toBe('succeeded');
    const before = await rowCounts();

    const response = await predict(film);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.run).toMatchObject({ id: summary.runId, sample_count: summary.sampleCount });
    expect(body.film).toEqual({
      ...film,
      genres: ['Horror', 'Thriller', 'Mystery'],
      budget: null,
      companies: [],
      keywords: [],
      sequel: false,
    });

    const models = await loadTrainedModels(database().stores.trainingRuns, summary.runId);
    if (!models) throw new Error('expected stored models');
    const expected = predictWhatIf(models, {
      runtime: film.runtime,
      voteCount: film.vote_count,
      releaseDate: film.release_date,
      genres: ['Horror', ...film.genres],
      originalLanguage: film.original_language,
    });
    const seed = body.baseline_models;
    expect(seed.random_forest.popularity).toBeCloseTo(expected.popularity, 9);
    expect(seed.linear.popularity).toBeCloseTo(expected.linearPopularity, 9);
    expect(seed.linear.vote_average).toBeCloseTo(expected.linearVoteAverage, 9);
    expect(seed.high_rating.probability).toBeGreaterThanOrEqual(0);
    expect(seed.high_rating.probability).toBeLessThanOrEqual(1);
    expect(seed.high_rating.threshold).toBe(expected.highRatingThreshold);
    expect(seed.clustering).toEqual({ cluster: expected.cluster, pc1: expected.pc1, pc2: expected.pc2 });
    expect(body.high_rating_probability).toBe(seed.high_rating.probability);
    expect(body.cluster).toBe(expected.cluster);
    for (const value of [seed.random_forest.popularity, seed.linear.vote_average, seed.clustering.pc1]) {
      expect(Number.isFinite(value)).toBe(true);
    }

    const byMonth = await predict({
      ...film,
      release_date: undefined,
      release_year: 2026,
      release_month: 10,
    });
    expect(byMonth.statusCode).toBe(200);
    expect(byMonth.json().film.release_date).toBe('2026-10-01');
    const horrorOnly = await predict({ ...film, genres: ['Horror'], original_language: 'ja' });
    expect(horrorOnly.json().film.genres).toEqual(['Horror']);

    expect(await rowCounts()).toEqual(before);
  });

  it('forecasts before release: values within their intervals, contributions, similar films and notes', async () => {
    const { vote_count: _votes, ...preRelease } = film;
    // A year among the films trained on: a later one is noted as an extrapolation (below).
    const response = await predict({ ...preRelease, release_date: '2016-10-28' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    for (const target of [body.popularity, body.rating]) {
      expect(target.lower).toBeLessThanOrEqual(target.value);
      expect(target.upper).toBeGreaterThanOrEqual(target.value);
    }
    expect(body.popularity.lower).toBeGreaterThanOrEqual(0);
    expect(body.rating.lower).toBeGreaterThanOrEqual(0);
    expect(body.rating.upper).toBeLessThanOrEqual(10);
    // So few films grow shallow trees: a contribution list may be short, never longer than five.
    for (const list of [body.contributions.popularity, body.contributions.rating]) {
      expect(list.length).toBeLessThanOrEqual(5);
      const sizes = list.map((entry: { value: number }) => Math.abs(entry.value));
      expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    }
    expect(body.contributions.popularity.map((entry: { feature: string }) => entry.feature)).not.toContain(
      'vote_count',
    );
    expect(body.similar).toHaveLength(5);
    const distances = body.similar.map((entry: { distance: number }) => entry.distance);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    const known = await database().stores.films.find(body.similar[0].tmdb_id);
    expect(known?.title).toBe(body.similar[0].title);
    // Without votes the baseline models get the training median, and the answer says so.
    expect(body.notes).toEqual([expect.stringContaining('the median of the films trained on')]);
    expect(body.film.vote_count).toBeGreaterThan(0);

    const unusual = (
      await predict({ ...film, runtime: 600, keywords: ['cursed tape'], companies: ['Nobody'] })
    ).json();
    expect(unusual.notes).toEqual([
      'Unknown company “Nobody”: treated as an unknown company.',
      'Unknown keyword “cursed tape”: treated as unknown.',
      expect.stringContaining('A runtime of 600 minutes is outside the films the models learnt from'),
      expect.stringContaining('A release in 2026 is outside the films the models learnt from'),
    ]);
    expect(unusual.film.companies).toEqual([]);
  });

  it('suggests production companies and reads known companies and keywords in a what-if', async () => {
    const ids = (await database().stores.films.top(3)).map((movie) => movie.tmdb_id);
    await addFilmFacts(database().handle, {
      companies: [
        { id: 3172, name: 'Blumhouse Productions', films: ids },
        { id: 12, name: 'Blue Sky', films: ids.slice(0, 1) },
        { id: 99, name: 'Hammer Films', films: [] },
      ],
      keywords: [{ id: 7, name: 'Haunted House', films: ids }],
    });
    const suggestions = await test.app.inject({ method: 'GET', url: '/api/predict/companies?q=BLU' });
    expect(suggestions.statusCode).toBe(200);
    expect(suggestions.json().items).toEqual([
      { id: 3172, name: 'Blumhouse Productions', origin_country: 'US', film_count: 3 },
      { id: 12, name: 'Blue Sky', origin_country: 'US', film_count: 1 },
    ]);
    const wildcard = await test.app.inject({ method: 'GET', url: '/api/predict/companies?q=%25' });
    expect(wildcard.json().items).toHaveLength(3);

    const response = await predict({
      ...film,
      release_date: '2016-10-28',
      companies: ['blumhouse productions', 99],
      keywords: ['haunted house'],
    });
    const body = response.json();
    expect(body.film.companies).toEqual([
      { id: 3172, name: 'Blumhouse Productions' },
      { id: 99, name: 'Hammer Films' },
    ]);
    expect(body.film.keywords).toEqual(['haunted house']);
    expect(body.notes).toEqual([]);
  });

  it('keeps the loaded models per run: the same run answers from memory, a new run is read afresh', async () => {
    const first = (await predict(film)).json();
    // The stored models are gone, yet the run's models are still in memory.
    await deleteStoredModels(database().handle, first.run.id);
    const cached = await predict(film);
    expect(cached.statusCode).toBe(200);
    expect(cached.json()).toEqual(first);

    const next = await runTraining({
      stores: database().stores,
      settings: { trees: 5, seed: 7 },
      threads: 1,
    });
    const fresh = await predict(film);
    expect(fresh.statusCode).toBe(200);
    expect(fresh.json().run.id).toBe(next.runId);
    expect(fresh.json().baseline_models.random_forest.popularity).not.toBe(
      first.baseline_models.random_forest.popularity,
    );
  });

  it('is described in the OpenAPI document with its body', async () => {
    const doc = (await test.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const operation = doc.paths['/api/predict'].post;
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '400', '409']));
    const schema = operation.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['runtime', 'original_language']));
    expect(schema.required).not.toContain('vote_count');
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining([
        'release_date',
        'release_year',
        'release_month',
        'genres',
        'vote_count',
        'budget',
        'companies',
        'sequel',
        'keywords',
      ]),
    );
  });
});
