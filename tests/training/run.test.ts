import { expect, it } from 'vitest';
import { upsertMovies } from '../../src/persistence/movies.js';
import type { Database } from '../../src/persistence/schema.js';
import { computeTraining, DEFAULT_TRAINING_SETTINGS } from '../../src/training/pipeline.js';
import { loadTrainedModels, predictWhatIf } from '../../src/training/predict.js';
import { KEPT_RUNS, runTraining, TrainingError } from '../../src/training/run.js';
import { describeEachDialect } from '../helpers/databases.js';
import { demoMovies, trainingFilms } from './catalogue.js';

const settings = { trees: 10 };
const RESULT_TABLES = [
  'model_predictions',
  'feature_importances',
  'regression_predictions',
  'classification_results',
  'cluster_points',
  'cluster_profiles',
  'model_artifacts',
] as const satisfies ReadonlyArray<keyof Database>;

describeEachDialect('training run', (database) => {
  const movies = demoMovies();

  async function rowsOf(runId: number) {
    const { db } = database().handle;
    const counts: Record<string, number> = {};
    for (const table of RESULT_TABLES) {
      const row = await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .where('train_run_id', '=', runId)
        .executeTakeFirstOrThrow();
      counts[table] = Number(row.n);
    }
    return counts;
  }

  it('records insufficient data below 20 films, without failing', async () => {
    const { db, dialect } = database().handle;
    await upsertMovies(db, dialect, movies.slice(0, 12));
    const summary = await runTraining({ db, settings });
    expect(summary.status).toBe('insufficient_data');
    expect(summary.sampleCount).toBe(12);
    const run = await db
      .selectFrom('train_runs')
      .selectAll()
      .where('id', '=', summary.runId)
      .executeTakeFirstOrThrow();
    expect(run.status).toBe('insufficient_data');
    expect(run.finished_at).not.toBeNull();
  });

  it('trains in a worker thread and writes every result, the metrics and the models in one run', async () => {
    const { db, dialect } = database().handle;
    await upsertMovies(db, dialect, movies);
    const steps: string[] = [];
    const summary = await runTraining({ db, settings, threads: 2, onStep: (step) => steps.push(step) });
    expect(steps).toEqual(['linear', 'rf_regression', 'rf_classification', 'clustering', 'cross_validation']);
    expect(summary.status).toBe('succeeded');
    const n = movies.length;
    expect(summary.sampleCount).toBe(n);
    expect(summary.metrics?.cv5.rf_regression_r2.std).toBeGreaterThanOrEqual(0);
    expect(summary.seconds?.rf_regression).toBeGreaterThan(0);

    const run = await db
      .selectFrom('train_runs')
      .selectAll()
      .where('id', '=', summary.runId)
      .executeTakeFirstOrThrow();
    expect(run.status).toBe('succeeded');
    expect(Number(run.sample_count)).toBe(n);
    expect(JSON.parse(run.metrics ?? '{}')).toEqual(JSON.parse(JSON.stringify(summary.metrics)));
    expect(Object.keys(JSON.parse(run.durations ?? '{}'))).toContain('cross_validation');

    const k = summary.metrics?.clustering.k ?? 0;
    expect(await rowsOf(summary.runId)).toEqual({
      model_predictions: n,
      feature_importances: 14,
      regression_predictions: n,
      classification_results: 1,
      cluster_points: n,
      cluster_profiles: k,
      model_artifacts: 5,
    });
    const roc = await db
      .selectFrom('classification_results')
      .select('roc_curve')
      .where('train_run_id', '=', summary.runId)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(roc.roc_curve).fpr[0]).toBe(0);
  });

  it('stores models that predict a new film without retraining, as the run predicted its films', async () => {
    const { db } = database().handle;
    const models = await loadTrainedModels(db);
    if (!models) throw new Error('expected stored models');
    const film = movies[3];
    const prediction = predictWhatIf(models, {
      runtime: film.runtime,
      voteCount: film.vote_count,
      releaseDate: film.release_date,
      genres: film.genres ?? [],
      originalLanguage: film.original_language,
    });
    const stored = await db
      .selectFrom('regression_predictions')
      .select('predicted_popularity')
      .where('train_run_id', '=', models.runId)
      .where('tmdb_id', '=', film.tmdb_id)
      .executeTakeFirstOrThrow();
    expect(prediction.popularity).toBeCloseTo(Number(stored.predicted_popularity), 9);
    const cluster = await db
      .selectFrom('cluster_points')
      .select(['cluster', 'pc1'])
      .where('train_run_id', '=', models.runId)
      .where('tmdb_id', '=', film.tmdb_id)
      .executeTakeFirstOrThrow();
    expect(prediction.cluster).toBe(Number(cluster.cluster));
    expect(prediction.pc1).toBeCloseTo(Number(cluster.pc1), 9);
    expect(prediction.highRatingProbability).toBeGreaterThanOrEqual(0);
    expect(prediction.highRatingProbability).toBeLessThanOrEqual(1);
  });

  it('a failed run is recorded as failed and leaves the previous results in place', async () => {
    const { db } = database().handle;
    const before = await db
      .selectFrom('train_runs')
      .select('id')
      .where('status', '=', 'succeeded')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const countsBefore = await rowsOf(before.id);
    const failing = runTraining({
      db,
      settings,
      compute: async () => {
        throw new Error('out of memory (simulated)');
      },
    });
    await expect(failing).rejects.toThrow(TrainingError);
    const failed = await db
      .selectFrom('train_runs')
      .selectAll()
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('out of memory (simulated)');
    expect(await rowsOf(failed.id)).toEqual(Object.fromEntries(RESULT_TABLES.map((t) => [t, 0])));
    expect(await rowsOf(before.id)).toEqual(countsBefore);
    expect((await loadTrainedModels(db))?.runId).toBe(before.id);
  });

  it('a write that fails half-way is rolled back entirely', async () => {
    const { db } = database().handle;
    const outcome = await computeTraining(trainingFilms(movies), { ...DEFAULT_TRAINING_SETTINGS, trees: 5 });
    if (outcome.status !== 'succeeded') throw new Error('expected results');
    // A cluster point without a film breaks a NOT NULL column after four tables have been written.
    const broken = {
      ...outcome,
      clusterPoints: outcome.clusterPoints.map((p, i) =>
        i === 7 ? { ...p, tmdbId: null as unknown as number } : p,
      ),
    };
    await expect(runTraining({ db, settings, compute: async () => broken })).rejects.toThrow(TrainingError);
    const failed = await db
      .selectFrom('train_runs')
      .selectAll()
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(failed.status).toBe('failed');
    expect(await rowsOf(failed.id)).toEqual(Object.fromEntries(RESULT_TABLES.map((t) => [t, 0])));
  });

  it(`keeps the results of the newest ${KEPT_RUNS} successful runs`, async () => {
    const { db } = database().handle;
    const ids: number[] = [];
    for (let i = 0; i < KEPT_RUNS + 1; i++)
      ids.push((await runTraining({ db, settings: { trees: 2 }, threads: 1 })).runId);
    const oldest = await db
      .selectFrom('train_runs')
      .select('id')
      .where('status', '=', 'succeeded')
      .orderBy('id', 'asc')
      .executeTakeFirstOrThrow();
    expect((await rowsOf(oldest.id)).model_artifacts).toBe(0);
    expect((await rowsOf(ids[0])).model_predictions).toBe(0);
    for (const id of ids.slice(1)) expect((await rowsOf(id)).model_predictions).toBe(movies.length);
    // The run records themselves stay: they are the history of the metrics.
    const runs = await db.selectFrom('train_runs').select('id').where('status', '=', 'succeeded').execute();
    expect(runs.length).toBeGreaterThan(KEPT_RUNS);
  });
});
