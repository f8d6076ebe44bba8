import { expect, it } from 'vitest';
import { trainingResultTables } from '../../src/persistence/index.js';
import { computeTraining, DEFAULT_TRAINING_SETTINGS } from '../../src/training/pipeline.js';
import { loadTrainedModels, predictWhatIf } from '../../src/training/predict.js';
import { KEPT_RUNS, runTraining, TrainingError } from '../../src/training/run.js';
import { addFilmFacts } from '../helpers/database-state.js';
import { describeEachDialect } from '../helpers/databases.js';
import { demoMovies, trainingFilms } from './catalogue.js';

const settings = { trees: 10 };

describeEachDialect('training run', (database) => {
  const movies = demoMovies();

  async function rowsOf(runId: number) {
    const { trainingRuns } = database().stores;
    const counts: Record<string, number> = {};
    for (const table of trainingResultTables) counts[table] = await trainingRuns.countResults(table, runId);
    return counts;
  }

  async function runOf(id: number) {
    const run = await database().stores.trainingRuns.find(id);
    if (!run) throw new Error(`no training run ${id}`);
    return run;
  }

  async function succeededRunIds() {
    const runs = await database().stores.trainingRuns.all();
    return runs.filter((run) => run.status === 'succeeded').map((run) => run.id);
  }

  it('records insufficient data below 20 films, without failing', async () => {
    const { stores } = database();
    await stores.films.upsert(movies.slice(0, 12));
    const summary = await runTraining({ stores, settings });
    expect(summary.status).toBe('insufficient_data');
    expect(summary.sampleCount).toBe(12);
    const run = await runOf(summary.runId);
    expect(run.status).toBe('insufficient_data');
    expect(run.finished_at).not.toBeNull();
  });

  it('trains in a worker thread and writes every result, the metrics and the models in one run', async () => {
    const { stores } = database();
    await stores.films.upsert(movies);
    const steps: string[] = [];
    const summary = await runTraining({ stores, settings, threads: 2, onStep: (step) => steps.push(step) });
    // With a pool the forest steps overlap the others: each is announced once, in no fixed order.
    expect(steps.sort()).toEqual([
      'boosted',
      'clustering',
      'cross_validation',
      'linear',
      'rf_classification',
      'rf_regression',
      'similar',
    ]);
    expect(summary.status).toBe('succeeded');
    const n = movies.length;
    expect(summary.sampleCount).toBe(n);
    expect(summary.metrics?.cv5.rf_regression_r2?.std).toBeGreaterThanOrEqual(0);
    expect(summary.seconds?.rf_regression).toBeGreaterThan(0);

    const run = await runOf(summary.runId);
    expect(run.status).toBe('succeeded');
    expect(Number(run.sample_count)).toBe(n);
    expect(run.metrics).toEqual(JSON.parse(JSON.stringify(summary.metrics)));
    expect(Object.keys(JSON.parse(run.durations ?? '{}'))).toContain('cross_validation');

    const k = summary.metrics?.clustering.k ?? 0;
    expect(await rowsOf(summary.runId)).toEqual({
      model_predictions: n,
      feature_importances: 14,
      regression_predictions: n,
      classification_results: 1,
      cluster_points: n,
      cluster_profiles: k,
      oof_predictions: 4 * n,
      model_artifacts: 9,
    });
    const classification = await stores.trainingRuns.classificationResult(summary.runId);
    expect(JSON.parse(classification?.roc_curve ?? '{}').fpr[0]).toBe(0);
  });

  it('stores models that predict a new film without retraining, as the run predicted its films', async () => {
    const { trainingRuns } = database().stores;
    const models = await loadTrainedModels(trainingRuns);
    if (!models) throw new Error('expected stored models');
    const film = movies[3];
    const prediction = predictWhatIf(models, {
      runtime: film.runtime,
      voteCount: film.vote_count,
      releaseDate: film.release_date,
      genres: film.genres ?? [],
      originalLanguage: film.original_language,
    });
    const everyFilm = { limit: movies.length, offset: 0 };
    const regression = await trainingRuns.regressionPredictions(models.runId, { ...everyFilm, set: 'all' });
    const stored = regression.rows.find((row) => row.tmdb_id === film.tmdb_id);
    if (!stored) throw new Error('expected the film among the regression predictions');
    expect(prediction.popularity).toBeCloseTo(Number(stored.predicted_popularity), 9);
    const points = await trainingRuns.clusterPoints(models.runId, everyFilm);
    const cluster = points.rows.find((row) => row.tmdb_id === film.tmdb_id);
    if (!cluster) throw new Error('expected the film among the cluster points');
    expect(prediction.cluster).toBe(Number(cluster.cluster));
    expect(prediction.pc1).toBeCloseTo(Number(cluster.pc1), 9);
    expect(prediction.highRatingProbability).toBeGreaterThanOrEqual(0);
    expect(prediction.highRatingProbability).toBeLessThanOrEqual(1);
  });

  it('stores each boosted model’s out-of-fold prediction of every film, residuals on the model’s scale', async () => {
    const { trainingRuns } = database().stores;
    const run = await trainingRuns.latestSucceeded();
    if (!run) throw new Error('expected a successful run');
    const film = movies[5];
    const rows = await trainingRuns.outOfFoldOf(run.id, film.tmdb_id);
    expect(rows.map((row) => row.model_name)).toEqual([
      'popularity_v2',
      'pre_release_popularity',
      'pre_release_rating',
      'rating_v2',
    ]);
    for (const row of rows) {
      const [actual, predicted] = [Number(row.actual), Number(row.predicted)];
      const popularity = row.model_name.includes('popularity');
      expect(actual).toBeCloseTo(popularity ? film.popularity : film.vote_average, 9);
      expect(Number(row.residual)).toBeCloseTo(
        popularity ? Math.log1p(actual) - Math.log1p(predicted) : actual - predicted,
        9,
      );
      expect(Number(row.lower)).toBeLessThanOrEqual(predicted);
      expect(Number(row.upper)).toBeGreaterThanOrEqual(predicted);
    }
    expect(run.metrics?.intervals?.level).toBe(0.8);
  });

  it('reads companies and keywords for the pre-release models from the database', async () => {
    const { stores, handle } = database();
    const ids = movies.slice(0, 40).map((movie) => movie.tmdb_id);
    await addFilmFacts(handle, {
      companies: [{ id: 3172, name: 'Blumhouse Productions', films: ids }],
      keywords: [{ id: 9, name: 'Haunted House', films: ids.slice(0, 10) }],
    });
    const facts = await stores.films.preReleaseFactsForTraining();
    expect(facts.get(ids[0])).toEqual({
      companies: [{ id: 3172, name: 'Blumhouse Productions' }],
      countries: [],
      keywords: ['haunted house'],
    });
    expect(facts.has(movies[60].tmdb_id)).toBe(false);
    const summary = await runTraining({ stores, settings, threads: 1 });
    const models = await loadTrainedModels(stores.trainingRuns, summary.runId);
    expect(models?.boosted.pre_release_popularity?.features).toEqual(
      expect.arrayContaining(['company:3172', 'keyword:haunted house']),
    );
    expect(summary.metrics?.notes).toEqual(
      expect.arrayContaining([expect.stringContaining('without budget')]),
    );
    expect(summary.metrics?.notes?.some((note) => note.includes('production companies'))).toBe(false);
  });

  it('a failed run is recorded as failed and leaves the previous results in place', async () => {
    const { stores } = database();
    const before = await stores.trainingRuns.latestSucceeded();
    if (!before) throw new Error('expected a successful run');
    const countsBefore = await rowsOf(before.id);
    const failing = runTraining({
      stores,
      settings,
      compute: async () => {
        throw new Error('out of memory (simulated)');
      },
    });
    await expect(failing).rejects.toThrow(TrainingError);
    const failed = await stores.trainingRuns.latest();
    expect(failed?.status).toBe('failed');
    expect(failed?.error).toContain('out of memory (simulated)');
    expect(await rowsOf(failed?.id ?? 0)).toEqual(
      Object.fromEntries(trainingResultTables.map((t) => [t, 0])),
    );
    expect(await rowsOf(before.id)).toEqual(countsBefore);
    expect((await loadTrainedModels(stores.trainingRuns))?.runId).toBe(before.id);
  });

  it('a write that fails half-way is rolled back entirely', async () => {
    const { stores } = database();
    const outcome = await computeTraining(trainingFilms(movies), { ...DEFAULT_TRAINING_SETTINGS, trees: 5 });
    if (outcome.status !== 'succeeded') throw new Error('expected results');
    // A cluster point without a film breaks a NOT NULL column after four tables have been written.
    const broken = {
      ...outcome,
      clusterPoints: outcome.clusterPoints.map((p, i) =>
        i === 7 ? { ...p, tmdbId: null as unknown as number } : p,
      ),
    };
    await expect(runTraining({ stores, settings, compute: async () => broken })).rejects.toThrow(
      TrainingError,
    );
    const failed = await stores.trainingRuns.latest();
    expect(failed?.status).toBe('failed');
    expect(await rowsOf(failed?.id ?? 0)).toEqual(
      Object.fromEntries(trainingResultTables.map((t) => [t, 0])),
    );
  });

  it(`keeps the results of the newest ${KEPT_RUNS} successful runs`, async () => {
    const { stores } = database();
    const ids: number[] = [];
    for (let i = 0; i < KEPT_RUNS + 1; i++)
      ids.push((await runTraining({ stores, settings: { trees: 2 }, threads: 1 })).runId);
    const [oldest] = await succeededRunIds();
    expect((await rowsOf(oldest ?? 0)).model_artifacts).toBe(0);
    expect((await rowsOf(ids[0])).model_predictions).toBe(0);
    for (const id of ids.slice(1)) expect((await rowsOf(id)).model_predictions).toBe(movies.length);
    // The run records themselves stay: they are the history of the metrics.
    expect((await succeededRunIds()).length).toBeGreaterThan(KEPT_RUNS);
  });
});
