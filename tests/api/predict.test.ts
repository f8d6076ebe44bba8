import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadTrainedModels, predictWhatIf } from '../../src/training/predict.js';
import { runTraining } from '../../src/training/run.js';
import { deleteStoredModels } from '../helpers/database-state.js';
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
      [{ ...film, budget: 1_000_000 }, 'body field "budget"'],
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
    expect(body.film).toEqual({ ...film, genres: ['Horror', 'Thriller', 'Mystery'] });

    const models = await loadTrainedModels(database().stores.trainingRuns, summary.runId);
    if (!models) throw new Error('expected stored models');
    const expected = predictWhatIf(models, {
      runtime: film.runtime,
      voteCount: film.vote_count,
      releaseDate: film.release_date,
      genres: ['Horror', ...film.genres],
      originalLanguage: film.original_language,
    });
    expect(body.random_forest.popularity).toBeCloseTo(expected.popularity, 9);
    expect(body.linear.popularity).toBeCloseTo(expected.linearPopularity, 9);
    expect(body.linear.vote_average).toBeCloseTo(expected.linearVoteAverage, 9);
    expect(body.high_rating.probability).toBeGreaterThanOrEqual(0);
    expect(body.high_rating.probability).toBeLessThanOrEqual(1);
    expect(body.high_rating.threshold).toBe(expected.highRatingThreshold);
    expect(body.clustering).toEqual({ cluster: expected.cluster, pc1: expected.pc1, pc2: expected.pc2 });
    for (const value of [body.random_forest.popularity, body.linear.vote_average, body.clustering.pc1]) {
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
    expect(fresh.json().random_forest.popularity).not.toBe(first.random_forest.popularity);
  });

  it('is described in the OpenAPI document with its body', async () => {
    const doc = (await test.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const operation = doc.paths['/api/predict'].post;
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '400', '409']));
    const schema = operation.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['runtime', 'vote_count', 'original_language']));
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['release_date', 'release_year', 'release_month', 'genres']),
    );
  });
});
