import type { Logger } from '../config/logger.js';
import { defaultThreadCount } from '../ml/threads.js';
import {
  clampPopularity,
  clampVoteAverage,
  type Heartbeat,
  type Movie,
  type PreReleaseFactsRow,
  parseGenres,
  type RatedMovie,
  type RunLiveness,
  runLiveness,
  type Stores,
  startHeartbeat,
  type TrainingResultRows,
  withSampleSize,
} from '../persistence/index.js';
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
import type { PreReleaseFilm } from './pre-release.js';
import { similarFilmRows } from './similar.js';

/** Results of this many successful runs are kept; older runs keep their train_runs row (metrics history). */
export const KEPT_RUNS = 5;

/**
 * Below this many films a pool of tree workers costs more to start than it saves (bench:ml: 1,000
 * films train faster on one thread, 10,000 faster on two).
 */
export const POOL_MIN_FILMS = 3000;

const DEFAULT_OUTAGE_TIMEOUT_MS = 180_000;

export interface TrainingDeps {
  readonly stores: Stores;
  readonly logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
  readonly jobId?: string | null;
  readonly settings?: Partial<TrainingSettings>;
  /** Threads for growing trees (default: every available core, from POOL_MIN_FILMS films on). */
  readonly threads?: number;
  readonly signal?: AbortSignal;
  readonly onStep?: (step: string) => void;
  /** Heartbeat interval and stale threshold (RUN_STALE_AFTER_S). */
  readonly liveness?: RunLiveness;
  /** How long a lost database is waited out when the results are written (OUTAGE_TIMEOUT_S). */
  readonly outageTimeoutMs?: number;
  /** Where the computation runs; a worker thread unless a test says otherwise. */
  readonly compute?: (
    films: readonly TrainingFilm[],
    settings: TrainingSettings,
    keywordsOf: ReadonlyMap<number, readonly number[]>,
  ) => Promise<TrainingOutcome>;
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

/** What a film's row (and its linked companies, countries, keywords) says before its release. */
export function toPreReleaseFilm(movie: Movie, facts?: PreReleaseFactsRow): PreReleaseFilm {
  return {
    runtime: movie.runtime === null ? null : Number(movie.runtime),
    voteCount: Number(movie.vote_count),
    releaseDate: movie.release_date,
    genres: parseGenres(movie.genres),
    originalLanguage: movie.original_language,
    budget: movie.budget === null ? null : Number(movie.budget),
    inCollection: movie.collection_id !== null,
    companies: facts?.companies ?? [],
    countries: facts?.countries ?? [],
    keywords: facts?.keywords ?? [],
  };
}

/** A rated film as training sees it: its pre-release facts with the outcomes models learn. */
export function toTrainingFilm(movie: RatedMovie, facts?: PreReleaseFactsRow): TrainingFilm {
  return {
    tmdbId: movie.tmdb_id,
    popularity: Number(movie.popularity),
    voteAverage: Number(movie.vote_average),
    ...toPreReleaseFilm(movie, facts),
  };
}

/**
 * One training run: reads the films, computes every model in a worker thread, and writes all
 * results, the fitted models and the run record in one transaction. A failed run is recorded as
 * failed and leaves the results of earlier runs untouched; it then throws a TrainingError.
 */
export async function runTraining(deps: TrainingDeps): Promise<TrainRunSummary> {
  const { stores } = deps;
  const runs = stores.trainingRuns;
  const settings: TrainingSettings = { ...DEFAULT_TRAINING_SETTINGS, ...deps.settings };
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const runId = await runs.start({ jobId: deps.jobId ?? null, startedAt });
  const heartbeat = beatWhileTraining(runs, runId, deps);
  const elapsed = () => (performance.now() - started) / 1000;
  try {
    const facts = await stores.films.preReleaseFactsForTraining();
    const films = (await stores.films.rated()).map((movie) =>
      toTrainingFilm(movie, facts.get(movie.tmdb_id)),
    );
    const unrated = await stores.films.countUnrated();
    const readSeconds = elapsed();
    if (films.length < settings.minFilms) {
      const durationSeconds = elapsed();
      const withoutVotes = unrated ? ` (and ${unrated} without)` : '';
      await runs.update(runId, {
        status: 'insufficient_data',
        finished_at: new Date().toISOString(),
        sample_count: films.length,
        duration_seconds: durationSeconds,
        error: `${films.length} films with votes${withoutVotes}; training needs at least ${settings.minFilms}`,
      });
      deps.logger?.warn(
        { runId, films: films.length, unrated, needed: settings.minFilms },
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
      ((
        input: readonly TrainingFilm[],
        s: TrainingSettings,
        keywordsOf: ReadonlyMap<number, readonly number[]>,
      ) =>
        computeInWorker(input, s, keywordsOf, {
          threads: deps.threads ?? (input.length >= POOL_MIN_FILMS ? defaultThreadCount() : 1),
          onStep: deps.onStep,
          signal: deps.signal,
        }));
    const outcome = await compute(films, settings, await stores.insights.filmKeywordIds());
    if (outcome.status !== 'succeeded') throw new Error(`unexpected training outcome ${outcome.status}`);
    const similarFilms = similarFilmRows(outcome.similarFilms);
    const writeStarted = performance.now();
    const predictionTime = new Date().toISOString();
    const metrics = withSampleSize(withUnratedNote(outcome.metrics, unrated), testCount(outcome));
    let durationSeconds = 0;
    let seconds: TrainRunSummary['seconds'] = null;
    // One transaction, repeated whole if the database drops out mid-write (OUTAGE_TIMEOUT_S).
    await stores.throughOutage(
      () =>
        stores.transaction(async (trx) => {
          // The run's row first, so the heartbeat waits for this transaction instead of meeting
          // the result rows' foreign-key locks on that row in the other order (a deadlock on MySQL).
          await trx.trainingRuns.heartbeat(runId, new Date().toISOString());
          await trx.trainingRuns.writeResults(runId, resultRows(outcome, predictionTime));
          await trx.trainingRuns.writeSimilarFilms(runId, similarFilms);
          await trx.trainingRuns.pruneResults(runId, KEPT_RUNS); // hourly runs would otherwise grow the tables without end
          durationSeconds = elapsed();
          seconds = {
            ...outcome.seconds,
            read: readSeconds,
            write: (performance.now() - writeStarted) / 1000,
          };
          await trx.trainingRuns.update(runId, {
            status: 'succeeded',
            finished_at: new Date().toISOString(),
            sample_count: outcome.sampleCount,
            metrics,
            durations: JSON.stringify(seconds),
            duration_seconds: durationSeconds,
            error: null,
          });
        }),
      { timeoutMs: deps.outageTimeoutMs ?? DEFAULT_OUTAGE_TIMEOUT_MS, signal: deps.signal },
    );
    deps.logger?.info(
      { runId, films: outcome.sampleCount, unrated, seconds: durationSeconds },
      'training finished',
    );
    return {
      runId,
      status: 'succeeded',
      sampleCount: outcome.sampleCount,
      metrics,
      seconds,
      durationSeconds,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    heartbeat.stop();
    await runs
      .update(runId, {
        status: 'failed',
        finished_at: new Date().toISOString(),
        duration_seconds: elapsed(),
        error: message.slice(0, 2000),
      })
      .catch((recordError: unknown) =>
        deps.logger?.error({ runId, err: recordError }, 'training: could not record the failure'),
      );
    deps.logger?.error({ runId, err: error }, 'training failed');
    throw new TrainingError(runId, `training run ${runId} failed: ${message}`);
  } finally {
    heartbeat.stop();
  }
}

/** Heartbeats for the run while it trains, after settling the runs whose process went silent. */
function beatWhileTraining(runs: Stores['trainingRuns'], runId: number, deps: TrainingDeps): Heartbeat {
  const liveness = deps.liveness ?? runLiveness();
  void runs.settleStale(new Date().toISOString(), liveness.staleAfterMs).catch(() => {});
  return startHeartbeat(
    (at) => runs.heartbeat(runId, at),
    liveness.heartbeatMs,
    (error) => deps.logger?.warn({ runId, err: error }, 'training: could not record the heartbeat'),
  );
}

/** Films held out for the single-split figures. */
/** The metrics with a note of the films left out for having no votes, when there were any. */
function withUnratedNote(metrics: TrainingMetrics, unrated: number): TrainingMetrics {
  if (unrated === 0) return metrics;
  const note = `${unrated} film${unrated === 1 ? '' : 's'} nobody has voted on yet left out (no rating to learn)`;
  return { ...metrics, notes: [...(metrics.notes ?? []), note] };
}

function testCount(results: TrainingResults): number {
  return results.regressionPredictions.filter((prediction) => prediction.inTestSet).length;
}

/** The rows each result table receives for this run. */
function resultRows(results: TrainingResults, predictionTime: string): TrainingResultRows {
  const { metrics } = results;
  const [[tn, fp], [fn, tp]] = metrics.rf_classification.confusion;
  return {
    model_predictions: results.linearPredictions.map((p) => ({
      pred_ts: predictionTime,
      tmdb_id: p.tmdbId,
      model_name: 'linear_regression',
      predicted_popularity: clampPopularity(p.predictedPopularity),
      actual_popularity: p.actualPopularity,
      predicted_vote_average: clampVoteAverage(p.predictedVoteAverage),
      actual_vote_average: p.actualVoteAverage,
      // The model's error on the held-out films, reported beside each prediction.
      mae_popularity: metrics.linear.popularity.mae,
      mae_vote_average: metrics.linear.vote_average.mae,
    })),
    feature_importances: results.featureImportances.map((f) => ({
      feature: f.feature,
      importance: f.importance,
      rank: f.rank,
    })),
    regression_predictions: results.regressionPredictions.map((p) => ({
      tmdb_id: p.tmdbId,
      actual_popularity: p.actual,
      predicted_popularity: clampPopularity(p.predicted),
      in_test_set: p.inTestSet ? 1 : 0,
    })),
    classification_results: [
      {
        threshold: metrics.rf_classification.threshold,
        accuracy: metrics.rf_classification.accuracy,
        auc: metrics.rf_classification.auc,
        true_negatives: tn,
        false_positives: fp,
        false_negatives: fn,
        true_positives: tp,
        roc_curve: JSON.stringify(results.roc),
      },
    ],
    cluster_points: results.clusterPoints.map((p) => ({
      tmdb_id: p.tmdbId,
      cluster: p.cluster,
      pc1: p.pc1,
      pc2: p.pc2,
    })),
    cluster_profiles: results.clusterProfiles.map((p) => ({
      cluster: p.cluster,
      film_count: p.filmCount,
      avg_popularity: p.avgPopularity,
      avg_vote_average: p.avgVoteAverage,
      avg_runtime: p.avgRuntime,
      avg_vote_count: p.avgVoteCount,
    })),
    oof_predictions: results.outOfFold.flatMap((model) =>
      Array.from(model.tmdbIds, (tmdbId, i) => ({
        model_name: model.modelName,
        tmdb_id: tmdbId,
        actual: model.actual[i],
        predicted: model.predicted[i],
        lower: model.lower[i],
        upper: model.upper[i],
        residual: model.residual[i],
      })),
    ),
    model_artifacts: results.artifacts.map((artifact) => ({
      model_name: artifact.modelName,
      format_version: artifact.formatVersion,
      payload: artifact.payload,
    })),
  };
}
