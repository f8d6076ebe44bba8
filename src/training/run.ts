import type { Insertable, Kysely } from 'kysely';
import type { Logger } from '../config/logger.js';
import { defaultThreadCount } from '../ml/threads.js';
import { chunk, moviesForTraining, parseGenres } from '../persistence/movies.js';
import { startTrainRun, updateTrainRun } from '../persistence/runs.js';
import type { Database, Movie } from '../persistence/schema.js';
import { computeInWorker } from './compute.js';
import {
  DEFAULT_TRAINING_SETTINGS,
  type TrainingFilm,
  type TrainingMetrics,
  type TrainingOutcome,
  type TrainingResults,
  type TrainingSeconds,
  type TrainingSettings,
} from './pipeline.js';

/** Results of this many successful runs are kept; older runs keep their train_runs row (metrics history). */
export const KEPT_RUNS = 5;

/**
 * Below this many films a pool of tree workers costs more to start than it saves (bench:ml: 1,000
 * films train faster on one thread, 10,000 faster on two).
 */
export const POOL_MIN_FILMS = 3000;

export interface TrainingDeps {
  readonly db: Kysely<Database>;
  readonly logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
  readonly jobId?: string | null;
  readonly settings?: Partial<TrainingSettings>;
  /** Threads for growing trees (default: every available core, from POOL_MIN_FILMS films on). */
  readonly threads?: number;
  readonly signal?: AbortSignal;
  readonly onStep?: (step: string) => void;
  /** Where the computation runs; a worker thread unless a test says otherwise. */
  readonly compute?: (films: readonly TrainingFilm[], settings: TrainingSettings) => Promise<TrainingOutcome>;
}

/** What `horrorcast train --json` prints: every metric (single split and cv5) and seconds per model. */
export interface TrainRunSummary {
  readonly runId: number;
  readonly status: 'succeeded' | 'insufficient_data';
  readonly sampleCount: number;
  readonly metrics: TrainingMetrics | null;
  readonly seconds: (TrainingSeconds & { readonly read: number; readonly write: number }) | null;
  readonly durationSeconds: number;
}

export class TrainingError extends Error {
  constructor(
    readonly runId: number,
    message: string,
  ) {
    super(message);
    this.name = 'TrainingError';
  }
}

export function toTrainingFilm(movie: Movie): TrainingFilm {
  return {
    tmdbId: movie.tmdb_id,
    popularity: Number(movie.popularity),
    voteAverage: Number(movie.vote_average),
    runtime: movie.runtime === null ? null : Number(movie.runtime),
    voteCount: Number(movie.vote_count),
    releaseDate: movie.release_date,
    genres: parseGenres(movie.genres),
    originalLanguage: movie.original_language,
  };
}

/**
 * One training run: reads the films, computes every model in a worker thread, and writes all
 * results, the fitted models and the run record in one transaction. A failed run is recorded as
 * failed and leaves the results of earlier runs untouched; it then throws a TrainingError.
 */
export async function runTraining(deps: TrainingDeps): Promise<TrainRunSummary> {
  const { db } = deps;
  const settings: TrainingSettings = { ...DEFAULT_TRAINING_SETTINGS, ...deps.settings };
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const runId = await startTrainRun(db, { jobId: deps.jobId ?? null, startedAt });
  const elapsed = () => (performance.now() - started) / 1000;
  try {
    const films = (await moviesForTraining(db)).map(toTrainingFilm);
    const readSeconds = elapsed();
    if (films.length < settings.minFilms) {
      const durationSeconds = elapsed();
      await updateTrainRun(db, runId, {
        status: 'insufficient_data',
        finished_at: new Date().toISOString(),
        sample_count: films.length,
        duration_seconds: durationSeconds,
        error: `${films.length} films; training needs at least ${settings.minFilms}`,
      });
      deps.logger?.warn(
        { runId, films: films.length, needed: settings.minFilms },
        'training: insufficient data',
      );
      return {
        runId,
        status: 'insufficient_data',
        sampleCount: films.length,
        metrics: null,
        seconds: null,
        durationSeconds,
      };
    }
    const compute =
      deps.compute ??
      ((input: readonly TrainingFilm[], s: TrainingSettings) =>
        computeInWorker(input, s, {
          threads: deps.threads ?? (input.length >= POOL_MIN_FILMS ? defaultThreadCount() : 1),
          onStep: deps.onStep,
          signal: deps.signal,
        }));
    const outcome = await compute(films, settings);
    if (outcome.status !== 'succeeded') throw new Error(`unexpected training outcome ${outcome.status}`);
    const writeStarted = performance.now();
    const predictionTime = new Date().toISOString();
    let durationSeconds = 0;
    let seconds: TrainRunSummary['seconds'] = null;
    await db.transaction().execute(async (trx) => {
      await writeResults(trx, runId, outcome, predictionTime);
      await pruneOldResults(trx, runId);
      durationSeconds = elapsed();
      seconds = { ...outcome.seconds, read: readSeconds, write: (performance.now() - writeStarted) / 1000 };
      await updateTrainRun(trx, runId, {
        status: 'succeeded',
        finished_at: new Date().toISOString(),
        sample_count: outcome.sampleCount,
        metrics: JSON.stringify(outcome.metrics),
        durations: JSON.stringify(seconds),
        duration_seconds: durationSeconds,
        error: null,
      });
    });
    deps.logger?.info({ runId, films: outcome.sampleCount, seconds: durationSeconds }, 'training finished');
    return {
      runId,
      status: 'succeeded',
      sampleCount: outcome.sampleCount,
      metrics: outcome.metrics,
      seconds,
      durationSeconds,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await updateTrainRun(db, runId, {
      status: 'failed',
      finished_at: new Date().toISOString(),
      duration_seconds: elapsed(),
      error: message.slice(0, 2000),
    }).catch((recordError: unknown) =>
      deps.logger?.error({ runId, err: recordError }, 'training: could not record the failure'),
    );
    deps.logger?.error({ runId, err: error }, 'training failed');
    throw new TrainingError(runId, `training run ${runId} failed: ${message}`);
  }
}

async function insertChunks<T extends keyof Database & string>(
  trx: Kysely<Database>,
  table: T,
  rows: ReadonlyArray<Insertable<Database[T]>>,
): Promise<void> {
  for (const part of chunk(rows)) {
    // Kysely cannot relate a generic table name to its row type; the signature above already does.
    await trx
      .insertInto(table as 'feature_importances')
      .values(part as Array<Insertable<Database['feature_importances']>>)
      .execute();
  }
}

async function writeResults(
  trx: Kysely<Database>,
  runId: number,
  results: TrainingResults,
  predictionTime: string,
): Promise<void> {
  const { metrics } = results;
  await insertChunks(
    trx,
    'model_predictions',
    results.linearPredictions.map((p) => ({
      train_run_id: runId,
      pred_ts: predictionTime,
      tmdb_id: p.tmdbId,
      model_name: 'linear_regression',
      predicted_popularity: p.predictedPopularity,
      actual_popularity: p.actualPopularity,
      predicted_vote_average: p.predictedVoteAverage,
      actual_vote_average: p.actualVoteAverage,
      // The model's error on the held-out films, as the seed reports it beside each prediction.
      mae_popularity: metrics.linear.popularity.mae,
      mae_vote_average: metrics.linear.vote_average.mae,
    })),
  );
  await insertChunks(
    trx,
    'feature_importances',
    results.featureImportances.map((f) => ({
      train_run_id: runId,
      feature: f.feature,
      importance: f.importance,
      rank: f.rank,
    })),
  );
  await insertChunks(
    trx,
    'regression_predictions',
    results.regressionPredictions.map((p) => ({
      train_run_id: runId,
      tmdb_id: p.tmdbId,
      actual_popularity: p.actual,
      predicted_popularity: p.predicted,
      in_test_set: p.inTestSet ? 1 : 0,
    })),
  );
  const [[tn, fp], [fn, tp]] = metrics.rf_classification.confusion;
  await trx
    .insertInto('classification_results')
    .values({
      train_run_id: runId,
      threshold: metrics.rf_classification.threshold,
      accuracy: metrics.rf_classification.accuracy,
      auc: metrics.rf_classification.auc,
      true_negatives: tn,
      false_positives: fp,
      false_negatives: fn,
      true_positives: tp,
      roc_curve: JSON.stringify(results.roc),
    })
    .execute();
  await insertChunks(
    trx,
    'cluster_points',
    results.clusterPoints.map((p) => ({
      train_run_id: runId,
      tmdb_id: p.tmdbId,
      cluster: p.cluster,
      pc1: p.pc1,
      pc2: p.pc2,
    })),
  );
  await insertChunks(
    trx,
    'cluster_profiles',
    results.clusterProfiles.map((p) => ({
      train_run_id: runId,
      cluster: p.cluster,
      film_count: p.filmCount,
      avg_popularity: p.avgPopularity,
      avg_vote_average: p.avgVoteAverage,
      avg_runtime: p.avgRuntime,
      avg_vote_count: p.avgVoteCount,
    })),
  );
  // One artifact per statement: a forest is hundreds of kilobytes, more than some packet limits allow twice.
  for (const artifact of results.artifacts) {
    await trx
      .insertInto('model_artifacts')
      .values({
        train_run_id: runId,
        model_name: artifact.modelName,
        format_version: artifact.formatVersion,
        payload: artifact.payload,
      })
      .execute();
  }
}

const RESULT_TABLES = [
  'model_predictions',
  'feature_importances',
  'regression_predictions',
  'classification_results',
  'cluster_points',
  'cluster_profiles',
  'model_artifacts',
] as const;

/** Hourly runs would grow the result tables without end: keep the newest KEPT_RUNS successful runs. */
async function pruneOldResults(trx: Kysely<Database>, currentRunId: number): Promise<void> {
  const kept = await trx
    .selectFrom('train_runs')
    .select('id')
    .where((eb) => eb.or([eb('status', '=', 'succeeded'), eb('id', '=', currentRunId)]))
    .orderBy('id', 'desc')
    .limit(KEPT_RUNS)
    .execute();
  if (kept.length < KEPT_RUNS) return;
  const oldestKept = kept[kept.length - 1].id;
  for (const table of RESULT_TABLES) {
    await trx.deleteFrom(table).where('train_run_id', '<', oldestKept).execute();
  }
}
