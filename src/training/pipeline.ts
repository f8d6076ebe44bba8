import type { BoostingFitter } from '../ml/boosting.js';
import type { TreeGrower } from '../ml/forest.js';
import {
  boostOnCallingThread,
  growOnCallingThread,
  kMeansOnCallingThread,
  neighboursOnCallingThread,
} from '../ml/forest-pool.js';
import type { NeighboursFinder } from '../ml/kd-tree.js';
import type { KMeansFitter } from '../ml/kmeans.js';
import { crossValidate } from './cross-validation.js';
import { forestContext, prepareTrainingData } from './data.js';
import { BOOSTED_MODELS, INTERVAL_LEVEL } from './models/boosted.js';
import { fitForestClassification } from './models/classification.js';
import { fitClustering } from './models/clustering.js';
import { fitForestRegression, fitLinearBaseline } from './models/regression.js';
import { type BoostedModelsResult, fitBoostedModels } from './models/v2.js';
import { findSimilarFilms } from './similar.js';
import {
  DEFAULT_TRAINING_SETTINGS,
  type TrainingFilm,
  type TrainingMetrics,
  type TrainingOutcome,
  type TrainingSeconds,
  type TrainingSettings,
} from './types.js';

export { PIPELINE_FORMAT, PIPELINE_FORMAT_VERSION, type PipelineArtifact } from './artifacts.js';
export { median } from './data.js';

export * from './types.js';

export interface ComputeHooks {
  /** Grows the forests' trees: the calling thread unless a worker pool is given. */
  readonly grow?: TreeGrower;
  /** Fits the boosted models: the calling thread unless a worker pool is given. */
  readonly boost?: BoostingFitter;
  /** Searches the similar films' neighbours: the calling thread unless a worker pool is given. */
  readonly neighbours?: NeighboursFinder;
  /** Fits k-means: the calling thread unless a worker pool is given. */
  readonly kmeans?: KMeansFitter;
  /**
   * Whether the hooks above run on other threads (a worker pool): every step then starts at once
   * and the calling thread predicts and scores while the pool works, instead of running the steps
   * one after another. Each step's seconds are then its own span of wall time, overlapping others'.
   */
  readonly concurrent?: boolean;
  readonly onStep?: (step: string) => void;
  /** Seconds on some clock; wall-clock time unless a benchmark wants CPU time. */
  readonly clock?: () => number;
}

const wallClock = (): number => performance.now() / 1000;

/**
 * The whole analysis on a set of films: the linear baseline, the random-forest regressor and
 * classifier, k-means with PCA, k-fold cross-validation of every metric, the boosted models and
 * each film's similar films (`keywordsOf`: keyword ids by TMDB id, for their tie-breaking). Pure
 * computation: no I/O; trees are grown by `grow` (the calling thread or a worker pool).
 */
export async function computeTraining(
  films: readonly TrainingFilm[],
  settings: TrainingSettings = DEFAULT_TRAINING_SETTINGS,
  hooks: ComputeHooks = {},
  keywordsOf: ReadonlyMap<number, readonly number[]> = new Map(),
): Promise<TrainingOutcome> {
  const n = films.length;
  if (n < settings.minFilms) return { status: 'insufficient_data', sampleCount: n };
  const clock = hooks.clock ?? wallClock;
  const started = clock();
  const step = stepTimer(clock, hooks.onStep ?? (() => {}));
  const data = prepareTrainingData(films, settings.linearFeatureSet);
  const forest = forestContext(settings, hooks.grow ?? growOnCallingThread);

  // Every step draws from generators of its own, so the order they run in changes no result.
  const linearStep = () => step('linear', async () => fitLinearBaseline(data, settings));
  const clusteringStep = () =>
    step('clustering', () => fitClustering(films, data, settings, hooks.kmeans ?? kMeansOnCallingThread));
  const boostedStep = () =>
    step('boosted', () => fitBoostedModels(films, data, settings, hooks.boost ?? boostOnCallingThread));
  const similarStep = () =>
    step('similar', () => findSimilarFilms(films, keywordsOf, hooks.neighbours ?? neighboursOnCallingThread));
  const regressionStep = () => step('rf_regression', () => fitForestRegression(data, settings, forest));
  const classificationStep = () =>
    step('rf_classification', () => fitForestClassification(data, settings, forest));
  const cvStep = () => step('cross_validation', () => crossValidate(data, settings, forest));
  let linear: Awaited<ReturnType<typeof linearStep>>;
  let clustering: Awaited<ReturnType<typeof clusteringStep>>;
  let boosted: Awaited<ReturnType<typeof boostedStep>>;
  let similar: Awaited<ReturnType<typeof similarStep>>;
  let regression: Awaited<ReturnType<typeof regressionStep>>;
  let classification: Awaited<ReturnType<typeof classificationStep>>;
  let cv: Awaited<ReturnType<typeof cvStep>>;
  if (hooks.concurrent) {
    // The pool grows the forests one after another and, between them, searches the similar films'
    // neighbours and fits the boosted models and k-means, so its workers always have a task
    // waiting; this thread meanwhile fits the linear baseline, and predicts, ranks and scores what
    // the pool sends back.
    const forests = async () => {
      const first = await regressionStep();
      const second = await classificationStep();
      return [first, second, await cvStep()] as const;
    };
    // Started in this order (the pool's jobs queue first); one Promise.all, so a failure anywhere
    // fails the run and no other rejection goes unhandled.
    [[regression, classification, cv], similar, boosted, clustering, linear] = await Promise.all([
      forests(),
      similarStep(),
      boostedStep(),
      clusteringStep(),
      linearStep(),
    ]);
  } else {
    linear = await linearStep();
    clustering = await clusteringStep();
    boosted = await boostedStep();
    similar = await similarStep();
    regression = await regressionStep();
    classification = await classificationStep();
    cv = await cvStep();
  }

  const metrics: TrainingMetrics = {
    n,
    linear: { ...linear.value.scores, features: data.linearSet },
    rf_regression: {
      ...regression.value.scores,
      top_features: regression.value.ranked.slice(0, 5).map((entry) => entry.feature),
    },
    rf_classification: classification.value.metrics,
    clustering: clustering.value.metrics,
    cv5: { ...cv.value, ...boostedFigures(boosted.value) },
    intervals: {
      coverage: Object.fromEntries(BOOSTED_MODELS.map((name) => [name, boosted.value.models[name].coverage])),
      level: INTERVAL_LEVEL,
    },
    notes: [...boosted.value.notes, ...forestNotes(n, settings)],
  };
  const { roc } = classification.value;
  return {
    status: 'succeeded',
    sampleCount: n,
    metrics,
    seconds: {
      linear: linear.seconds,
      rf_regression: regression.seconds,
      rf_classification: classification.seconds,
      clustering: clustering.seconds,
      cross_validation: cv.seconds,
      boosted: boosted.seconds,
      similar: similar.seconds,
      total: clock() - started,
    },
    linearPredictions: films.map((film, i) => ({
      tmdbId: film.tmdbId,
      predictedPopularity: linear.value.predictions.popularity[i],
      actualPopularity: film.popularity,
      predictedVoteAverage: linear.value.predictions.vote_average[i],
      actualVoteAverage: film.voteAverage,
    })),
    featureImportances: regression.value.ranked,
    regressionPredictions: films.map((film, i) => ({
      tmdbId: film.tmdbId,
      actual: film.popularity,
      predicted: regression.value.predictions[i],
      inTestSet: regression.value.inTest[i] === 1,
    })),
    // The first ROC threshold is +∞ (nothing positive); JSON has no infinity, so store 1 above the top score.
    roc: {
      fpr: roc.fpr,
      tpr: roc.tpr,
      thresholds: roc.thresholds.map((value, i) => (i === 0 ? (roc.thresholds[1] ?? 0) + 1 : value)),
    },
    clusterPoints: clustering.value.points,
    clusterProfiles: clustering.value.profiles,
    outOfFold: BOOSTED_MODELS.map((name) => ({
      modelName: name,
      tmdbIds: Int32Array.from(films, (film) => film.tmdbId),
      ...boosted.value.models[name].outOfFold,
    })),
    artifacts: [
      ...linear.value.artifacts,
      regression.value.artifact,
      classification.value.artifact,
      clustering.value.artifact,
      ...BOOSTED_MODELS.map((name) => boosted.value.models[name].artifact),
    ],
    similarFilms: similar.value,
  };
}

/** Whether the forests' trees drew fewer films than they were given, in words. */
function forestNotes(n: number, settings: TrainingSettings): string[] {
  // The largest training part: a cross-validation fold's, or the single split's.
  const largest = Math.max(n - Math.floor(n / settings.folds), n - Math.ceil(n * settings.testFraction));
  if (largest <= settings.forestSampleCap) return [];
  return [
    `Each tree of the baseline forests drew a bootstrap sample of ${settings.forestSampleCap} of its up to ${largest} training films.`,
  ];
}

/** The boosted models' 5-fold figures, named as the metrics document names them. */
function boostedFigures({ models }: BoostedModelsResult): TrainingMetrics['cv5'] {
  return Object.fromEntries(
    BOOSTED_MODELS.flatMap((name) => [
      [`${name}_mae`, models[name].mae],
      [`${name}_r2`, models[name].r2],
    ]),
  );
}

/** Announces each step and measures how long it took on `clock`. */
function stepTimer(clock: () => number, onStep: (step: string) => void) {
  return async <T>(
    name: keyof TrainingSeconds,
    run: () => Promise<T>,
  ): Promise<{ value: T; seconds: number }> => {
    onStep(name);
    const started = clock();
    const value = await run();
    return { value, seconds: clock() - started };
  };
}
