import {
  clampPopularity,
  clampVoteAverage,
  type TrainingMetrics,
  type TrainingRunsStore,
} from '../../persistence/index.js';
import {
  type FilmAttributes,
  loadTrainedModels,
  predictWhatIf,
  type WhatIfPrediction,
} from '../../training/index.js';
import type { ClassificationResult } from '../schemas/classification.js';
import type { PcaQuery } from '../schemas/clustering.js';
import type { RunRef } from '../schemas/common.js';
import type { ModelScores } from '../schemas/metrics.js';
import type { LinearPrediction } from '../schemas/predictions.js';
import type { RegressionPredictionsQuery } from '../schemas/regression.js';
import { cutPage, windowOf } from './pages.js';
import { scoresOf } from './scores.js';

export interface LatestModel {
  run: RunRef;
  metrics: TrainingMetrics | null;
  scores: ModelScores;
}

export interface ModelResultsOptions {
  /**
   * How long the id of the newest successful run is trusted before asking the database again.
   * Results of one run never change, so every answer is cached under that id; a new run shows up
   * within this delay.
   */
  freshnessMs?: number;
}

export type ModelResultsService = ReturnType<typeof createModelResultsService>;

/**
 * Distinct questions per run are few: pages are cached as a handful of block windows (see pages.ts)
 * and other limits are served from the largest answer, so the cap is never reached in normal use.
 */
const MAX_CACHED_ANSWERS = 64;

/** Feature lists are short: the whole list is read once and every `limit` cut from it. */
const MAX_FEATURES = 50;

function parseRoc(json: string): { fpr: number[]; tpr: number[] } {
  try {
    const parsed = JSON.parse(json) as { fpr?: unknown; tpr?: unknown };
    const numbers = (v: unknown) =>
      Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : [];
    return { fpr: numbers(parsed.fpr), tpr: numbers(parsed.tpr) };
  } catch {
    return { fpr: [], tpr: [] };
  }
}

function toLinear(row: LinearPrediction & { model_name?: string }): LinearPrediction {
  return {
    tmdb_id: row.tmdb_id,
    title: row.title,
    // Rows stored before predictions were clamped are served within their scales too.
    predicted_popularity: clampPopularity(row.predicted_popularity),
    actual_popularity: row.actual_popularity,
    predicted_vote_average: clampVoteAverage(row.predicted_vote_average),
    actual_vote_average: row.actual_vote_average,
    mae_popularity: row.mae_popularity,
    mae_vote_average: row.mae_vote_average,
  };
}

/** A what-if answer with the linear models' outputs clamped to the scales of their measures. */
function withinScales(prediction: WhatIfPrediction): WhatIfPrediction {
  return {
    ...prediction,
    linearPopularity: clampPopularity(prediction.linearPopularity),
    linearVoteAverage: clampVoteAverage(prediction.linearVoteAverage),
  };
}

/** The newest successful run's results, as the API shows them; answers are cached per run. */
export function createModelResultsService(runs: TrainingRunsStore, options: ModelResultsOptions = {}) {
  const freshnessMs = options.freshnessMs ?? 1000;
  let latest: { checkedAt: number; model: Promise<LatestModel | null> } | undefined;
  let answersRunId: number | undefined;
  let answers = new Map<string, Promise<unknown>>();

  function latestModel(): Promise<LatestModel | null> {
    const now = Date.now();
    if (!latest || now - latest.checkedAt >= freshnessMs) {
      const model = runs.latestSucceeded().then((run) => {
        if (!run) return null;
        const { metrics } = run;
        return {
          run: {
            id: run.id,
            started_at: run.started_at,
            finished_at: run.finished_at,
            sample_count: run.sample_count,
          },
          metrics,
          scores: scoresOf(metrics),
        };
      });
      const entry = { checkedAt: now, model };
      latest = entry;
      model.catch(() => {
        if (latest === entry) latest = undefined;
      });
    }
    return latest.model;
  }

  /** One answer per (run, question), computed once even when many requests ask at the same moment. */
  function remember<T>(runId: number, key: string, compute: () => Promise<T>): Promise<T> {
    if (answersRunId !== runId) {
      answersRunId = runId;
      answers = new Map();
    }
    const known = answers.get(key) as Promise<T> | undefined;
    if (known) return known;
    if (answers.size >= MAX_CACHED_ANSWERS) answers.clear();
    const answer = compute();
    answers.set(key, answer);
    answer.catch(() => answers.delete(key));
    return answer;
  }

  /**
   * Runs `compute` for the newest run, or answers null when no run has succeeded yet; without a key
   * the answer is computed afresh and not kept.
   */
  async function forLatest<T>(key: string | null, compute: (model: LatestModel) => Promise<T>) {
    const model = await latestModel();
    if (!model) return null;
    const result =
      key === null ? await compute(model) : await remember(model.run.id, key, () => compute(model));
    return { model, result };
  }

  /** The newest run's stored models, read and parsed once per run; null before any run. */
  function trainedModels() {
    return forLatest('trained-models', (model) => loadTrainedModels(runs, model.run.id));
  }

  return {
    latest: latestModel,
    trainedModels,

    async predictions(limit: number) {
      const answer = await forLatest(`predictions:${limit}`, async (model) =>
        (await runs.topLinearPredictions(model.run.id, limit)).map(toLinear),
      );
      return answer && { run: answer.model.run, scores: answer.model.scores, items: answer.result };
    },

    async predictionOf(tmdbId: number): Promise<LinearPrediction | null> {
      const model = await latestModel();
      if (!model) return null;
      const row = await runs.linearPredictionOf(model.run.id, tmdbId);
      return row ? toLinear(row) : null;
    },

    async features(limit: number) {
      const answer = await forLatest('features', (model) =>
        runs.featureImportances(model.run.id, MAX_FEATURES),
      );
      return answer && { run: answer.model.run, items: answer.result.slice(0, limit) };
    },

    async regression(query: RegressionPredictionsQuery) {
      const window = windowOf(query);
      const answer = await forLatest(
        window.cacheable ? `regression:${query.set}:${window.offset}:${window.limit}` : null,
        async (model) => {
          const { total, rows } = await runs.regressionPredictions(model.run.id, {
            ...window,
            set: query.set,
          });
          return { total, items: rows.map((r) => ({ ...r, in_test_set: r.in_test_set === 1 })) };
        },
      );
      return (
        answer && {
          run: answer.model.run,
          scores: answer.model.scores,
          total: answer.result.total,
          items: cutPage(answer.result.items, window, query),
        }
      );
    },

    async classification() {
      const answer = await forLatest(
        'classification',
        async (model): Promise<ClassificationResult | null> => {
          const row = await runs.classificationResult(model.run.id);
          if (!row) return null;
          const scores = model.scores.rf_classification;
          return {
            threshold: row.threshold,
            accuracy: row.accuracy,
            auc: row.auc,
            cv_accuracy: scores?.cv_accuracy ?? null,
            cv_auc: scores?.cv_auc ?? null,
            confusion: {
              true_negatives: row.true_negatives,
              false_positives: row.false_positives,
              false_negatives: row.false_negatives,
              true_positives: row.true_positives,
            },
            roc: parseRoc(row.roc_curve),
          };
        },
      );
      return answer && { run: answer.model.run, result: answer.result };
    },

    async pca(query: PcaQuery) {
      const window = windowOf(query);
      const key = window.cacheable ? `pca:${window.offset}:${window.limit}` : null;
      const answer = await forLatest(key, async (model) => {
        const [points, profiles] = await Promise.all([
          runs.clusterPoints(model.run.id, window),
          runs.clusterProfiles(model.run.id),
        ]);
        return { total: points.total, items: points.rows, clusters: profiles.length };
      });
      return (
        answer && {
          run: answer.model.run,
          explained_variance: answer.model.metrics?.clustering.pca_explained ?? [],
          ...answer.result,
          items: cutPage(answer.result.items, window, query),
        }
      );
    },

    /**
     * What the newest run's stored models make of a film that need not exist. The models
     * are read and parsed once per run and kept with the run's other answers; `prediction` is null
     * when that run stored no models.
     */
    async whatIf(film: FilmAttributes) {
      const answer = await trainedModels();
      return (
        answer && {
          run: answer.model.run,
          prediction: answer.result ? withinScales(predictWhatIf(answer.result, film)) : null,
        }
      );
    },

    async profiles() {
      const answer = await forLatest('profiles', (model) => runs.clusterProfiles(model.run.id));
      return answer && { run: answer.model.run, items: answer.result };
    },
  };
}
