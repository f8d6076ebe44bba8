import { type Envelope, modelToJson } from '../ml/artifact.js';
import {
  classProbability,
  type ForestModel,
  fitRandomForestClassifierWith,
  fitRandomForestRegressorWith,
  predictRandomForest,
  predictRandomForestProba,
  type TreeGrower,
} from '../ml/forest.js';
import { growOnCallingThread } from '../ml/forest-pool.js';
import { fitKMeans } from '../ml/kmeans.js';
import { fitLinearRegression, type LinearModel, predictLinearRegression } from '../ml/linear.js';
import { type Matrix, selectRows, selectValues } from '../ml/matrix.js';
import {
  accuracy,
  confusionMatrix,
  type MeanStd,
  meanAbsoluteError,
  meanStd,
  r2Score,
  rocAucScore,
  rocCurve,
} from '../ml/metrics.js';
import { fitPca, transformPca } from '../ml/pca.js';
import { createNumpyRandom } from '../ml/random.js';
import { fitStandardScaler, type StandardScalerModel, transformStandardScaler } from '../ml/scaler.js';
import { kFold, stratifiedKFold, stratifiedTrainTestSplit, trainTestSplit } from '../ml/split.js';
import type {
  CrossValidatedMetric,
  RegressionScores,
  TrainingMetrics,
} from '../persistence/documents/training-metrics.js';
import {
  type FilmAttributes,
  featureMatrix,
  HORROR_FEATURES,
  horrorFeatureRow,
  LINEAR_FEATURES,
  linearFeatureRow,
} from './features.js';

export type { CrossValidatedMetric, RegressionScores, TrainingMetrics };

/** A film as training sees it: its attributes and the two values the models learn. */
export interface TrainingFilm extends FilmAttributes {
  readonly tmdbId: number;
  readonly popularity: number;
  readonly voteAverage: number;
}

/** The seed's settings (SPEC §4). */
export interface TrainingSettings {
  readonly seed: number;
  readonly trees: number;
  readonly maxDepth: number;
  readonly testFraction: number;
  readonly folds: number;
  readonly kMeansInits: number;
  readonly minFilms: number;
  /**
   * Features of the linear baseline: 'linear' is SPEC §4 A; 'horror' is what scikit-learn's
   * reference script uses, for benchmarks that compare with it.
   */
  readonly linearFeatureSet: 'linear' | 'horror';
}

export const DEFAULT_TRAINING_SETTINGS: TrainingSettings = {
  seed: 42,
  trees: 100,
  maxDepth: 10,
  testFraction: 0.25,
  folds: 5,
  kMeansInits: 10,
  minFilms: 20,
  linearFeatureSet: 'linear',
};

/** Wall-clock seconds of each step. */
export interface TrainingSeconds {
  readonly linear: number;
  readonly rf_regression: number;
  readonly rf_classification: number;
  readonly clustering: number;
  readonly cross_validation: number;
  readonly total: number;
}

export interface LinearPrediction {
  readonly tmdbId: number;
  readonly predictedPopularity: number;
  readonly actualPopularity: number;
  readonly predictedVoteAverage: number;
  readonly actualVoteAverage: number;
}

export interface RegressionPrediction {
  readonly tmdbId: number;
  readonly actual: number;
  readonly predicted: number;
  readonly inTestSet: boolean;
}

export interface ClusterPoint {
  readonly tmdbId: number;
  readonly cluster: number;
  readonly pc1: number;
  readonly pc2: number;
}

export interface ClusterProfile {
  readonly cluster: number;
  readonly filmCount: number;
  readonly avgPopularity: number;
  readonly avgVoteAverage: number;
  readonly avgRuntime: number;
  readonly avgVoteCount: number;
}

export interface ModelArtifact {
  readonly modelName: string;
  readonly formatVersion: number;
  readonly payload: string;
}

export interface TrainingResults {
  readonly status: 'succeeded';
  readonly sampleCount: number;
  readonly metrics: TrainingMetrics;
  readonly seconds: TrainingSeconds;
  readonly linearPredictions: LinearPrediction[];
  readonly featureImportances: Array<{ feature: string; importance: number; rank: number }>;
  readonly regressionPredictions: RegressionPrediction[];
  readonly roc: { fpr: number[]; tpr: number[]; thresholds: number[] };
  readonly clusterPoints: ClusterPoint[];
  readonly clusterProfiles: ClusterProfile[];
  readonly artifacts: ModelArtifact[];
}

export type TrainingOutcome =
  | TrainingResults
  | { readonly status: 'insufficient_data'; readonly sampleCount: number };

export const PIPELINE_FORMAT = 'horrorcast-pipeline';
export const PIPELINE_FORMAT_VERSION = 1;

/**
 * A stored model with everything needed to predict a new film: which features, the scaler fitted
 * on the training part, the model, and for clustering the PCA projection.
 */
export interface PipelineArtifact {
  readonly format: typeof PIPELINE_FORMAT;
  readonly version: number;
  readonly name: string;
  readonly featureSet: 'linear' | 'horror';
  readonly features: readonly string[];
  readonly scaler: Envelope;
  readonly model: Envelope;
  readonly pca?: Envelope;
  /** Classifier only: the vote_average above which a film counts as "high rating". */
  readonly threshold?: number;
}

function artifact(fields: Omit<PipelineArtifact, 'format' | 'version'>): ModelArtifact {
  const document: PipelineArtifact = { format: PIPELINE_FORMAT, version: PIPELINE_FORMAT_VERSION, ...fields };
  return {
    modelName: fields.name,
    formatVersion: PIPELINE_FORMAT_VERSION,
    payload: JSON.stringify(document),
  };
}

/** numpy's median: the mean of the two middle values for an even count. */
export function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function scaledParts(x: Matrix, train: Int32Array, test: Int32Array) {
  const trainRows = selectRows(x, train);
  const scaler = fitStandardScaler(trainRows);
  return {
    scaler,
    train: transformStandardScaler(scaler, trainRows),
    test: transformStandardScaler(scaler, selectRows(x, test)),
  };
}

function regressionScores(actual: Float64Array, predicted: Float64Array): RegressionScores {
  return { mae: meanAbsoluteError(actual, predicted), r2: r2Score(actual, predicted) };
}

export interface ComputeHooks {
  /** Grows the forests' trees: the calling thread unless a worker pool is given. */
  readonly grow?: TreeGrower;
  readonly onStep?: (step: string) => void;
  /** Seconds on some clock; wall-clock time unless a benchmark wants CPU time. */
  readonly clock?: () => number;
}

const wallClock = (): number => performance.now() / 1000;

/**
 * The whole analysis of SPEC §4 on a set of films: the linear baseline, the random-forest regressor
 * and classifier, k-means with PCA, and 5-fold cross-validation of every metric. Pure computation:
 * no I/O; trees are grown by `grow` (the calling thread or a worker pool).
 */
export async function computeTraining(
  films: readonly TrainingFilm[],
  settings: TrainingSettings = DEFAULT_TRAINING_SETTINGS,
  hooks: ComputeHooks = {},
): Promise<TrainingOutcome> {
  const grow = hooks.grow ?? growOnCallingThread;
  const onStep = hooks.onStep ?? (() => {});
  const clock = hooks.clock ?? wallClock;
  const seconds = (since: number): number => clock() - since;
  const n = films.length;
  if (n < settings.minFilms) return { status: 'insufficient_data', sampleCount: n };
  const started = clock();
  const forestOptions = { trees: settings.trees, maxDepth: settings.maxDepth, seed: settings.seed };
  const split = () => createNumpyRandom(settings.seed);

  const horror = featureMatrix(films, horrorFeatureRow);
  const linearSet = settings.linearFeatureSet;
  const linearX = linearSet === 'linear' ? featureMatrix(films, linearFeatureRow) : horror;
  const linearNames = linearSet === 'linear' ? LINEAR_FEATURES : HORROR_FEATURES;
  const popularity = Float64Array.from(films, (f) => f.popularity);
  const voteAverage = Float64Array.from(films, (f) => f.voteAverage);
  const threshold = median(voteAverage);
  const highRating = Int32Array.from(voteAverage, (v) => (v > threshold ? 1 : 0));
  const bothClasses = highRating.some((v) => v === 1) && highRating.some((v) => v === 0);

  onStep('linear');
  let t = clock();
  const linearParts = trainTestSplit(n, settings.testFraction, split());
  const linear = scaledParts(linearX, linearParts.train, linearParts.test);
  const allLinear = transformStandardScaler(linear.scaler, linearX);
  const linearModels: Record<'popularity' | 'vote_average', LinearModel> = {
    popularity: fitLinearRegression(linear.train, selectValues(popularity, linearParts.train)),
    vote_average: fitLinearRegression(linear.train, selectValues(voteAverage, linearParts.train)),
  };
  const linearScores = {
    popularity: regressionScores(
      selectValues(popularity, linearParts.test),
      predictLinearRegression(linearModels.popularity, linear.test),
    ),
    vote_average: regressionScores(
      selectValues(voteAverage, linearParts.test),
      predictLinearRegression(linearModels.vote_average, linear.test),
    ),
  };
  const linearPopularity = predictLinearRegression(linearModels.popularity, allLinear);
  const linearVoteAverage = predictLinearRegression(linearModels.vote_average, allLinear);
  const linearSeconds = seconds(t);

  onStep('rf_regression');
  t = clock();
  const regressionParts = trainTestSplit(n, settings.testFraction, split());
  const regression = scaledParts(horror, regressionParts.train, regressionParts.test);
  const regressor = await fitRandomForestRegressorWith(
    grow,
    regression.train,
    selectValues(popularity, regressionParts.train),
    forestOptions,
  );
  const regressionScore = regressionScores(
    selectValues(popularity, regressionParts.test),
    predictRandomForest(regressor, regression.test),
  );
  const rfRegressionSeconds = seconds(t);
  const allPredicted = predictRandomForest(regressor, transformStandardScaler(regression.scaler, horror));
  const inTest = new Uint8Array(n);
  for (const i of regressionParts.test) inTest[i] = 1;
  const ranked = HORROR_FEATURES.map((feature, j) => ({
    feature,
    importance: regressor.featureImportances[j],
  }))
    .sort((a, b) => b.importance - a.importance)
    .map((entry, index) => ({ ...entry, rank: index + 1 }));

  onStep('rf_classification');
  t = clock();
  if (!bothClasses) throw new Error('every film has the same vote average: nothing to classify');
  const classificationParts = stratifiedTrainTestSplit(highRating, settings.testFraction, split());
  const classification = scaledParts(horror, classificationParts.train, classificationParts.test);
  const classifier = await fitRandomForestClassifierWith(
    grow,
    classification.train,
    selectValues(highRating, classificationParts.train),
    forestOptions,
  );
  const classActual = selectValues(highRating, classificationParts.test);
  if (!classActual.includes(0) || !classActual.includes(1)) {
    throw new Error('too few films on one side of the vote_average median to score a classifier');
  }
  const positive = classProbability(classifier, predictRandomForestProba(classifier, classification.test));
  const predictedClass = Int32Array.from(positive, (p) => (p > 0.5 ? 1 : 0));
  const curve = rocCurve(classActual, positive);
  const classificationMetrics = {
    accuracy: accuracy(classActual, predictedClass),
    auc: rocAucScore(classActual, positive),
    threshold,
    confusion: confusionMatrix(classActual, predictedClass, 2),
  };
  const rfClassificationSeconds = seconds(t);

  onStep('clustering');
  t = clock();
  const clusterScaler = fitStandardScaler(horror);
  const scaledAll = transformStandardScaler(clusterScaler, horror);
  const k = Math.max(2, Math.min(4, Math.floor(n / 10)));
  const clustering = fitKMeans(
    scaledAll,
    { k, nInit: settings.kMeansInits },
    createNumpyRandom(settings.seed),
  );
  const pca = fitPca(scaledAll, 2);
  const projected = transformPca(pca, scaledAll);
  const clusteringSeconds = seconds(t);
  const sizes = new Array<number>(k).fill(0);
  for (const label of clustering.labels) sizes[label]++;

  onStep('cross_validation');
  t = clock();
  const cv = await crossValidate(horror, linearX, popularity, voteAverage, highRating, settings, grow);
  const crossValidationSeconds = seconds(t);

  // Column 0 of the horror features: the runtime with a missing one counted as 90 minutes.
  const runtimeColumn = 0;
  const profiles: ClusterProfile[] = Array.from({ length: k }, (_, cluster) => {
    let count = 0;
    let pop = 0;
    let vote = 0;
    let runtime = 0;
    let votes = 0;
    for (let i = 0; i < n; i++) {
      if (clustering.labels[i] !== cluster) continue;
      count++;
      pop += popularity[i];
      vote += voteAverage[i];
      runtime += horror.data[runtimeColumn * n + i];
      votes += films[i].voteCount ?? 0;
    }
    const mean = (sum: number) => (count > 0 ? sum / count : 0);
    return {
      cluster,
      filmCount: count,
      avgPopularity: mean(pop),
      avgVoteAverage: mean(vote),
      avgRuntime: mean(runtime),
      avgVoteCount: mean(votes),
    };
  });

  const metrics: TrainingMetrics = {
    n,
    linear: { ...linearScores, features: linearSet },
    rf_regression: { ...regressionScore, top_features: ranked.slice(0, 5).map((entry) => entry.feature) },
    rf_classification: classificationMetrics,
    clustering: {
      k,
      inertia: clustering.model.inertia,
      sizes,
      pca_explained: pca.explainedVarianceRatio,
    },
    cv5: cv,
  };
  const forestArtifact = (name: string, scaler: StandardScalerModel, model: ForestModel, extra = {}) =>
    artifact({
      name,
      featureSet: 'horror',
      features: HORROR_FEATURES,
      scaler: modelToJson(scaler),
      model: modelToJson(model),
      ...extra,
    });
  const artifacts = [
    ...(['popularity', 'vote_average'] as const).map((target) =>
      artifact({
        name: `linear_${target}`,
        featureSet: linearSet,
        features: linearNames,
        scaler: modelToJson(linear.scaler),
        model: modelToJson(linearModels[target]),
      }),
    ),
    forestArtifact('rf_regression', regression.scaler, regressor),
    forestArtifact('rf_classification', classification.scaler, classifier, { threshold }),
    artifact({
      name: 'kmeans',
      featureSet: 'horror',
      features: HORROR_FEATURES,
      scaler: modelToJson(clusterScaler),
      model: modelToJson(clustering.model),
      pca: modelToJson(pca),
    }),
  ];

  return {
    status: 'succeeded',
    sampleCount: n,
    metrics,
    seconds: {
      linear: linearSeconds,
      rf_regression: rfRegressionSeconds,
      rf_classification: rfClassificationSeconds,
      clustering: clusteringSeconds,
      cross_validation: crossValidationSeconds,
      total: seconds(started),
    },
    linearPredictions: films.map((film, i) => ({
      tmdbId: film.tmdbId,
      predictedPopularity: linearPopularity[i],
      actualPopularity: film.popularity,
      predictedVoteAverage: linearVoteAverage[i],
      actualVoteAverage: film.voteAverage,
    })),
    featureImportances: ranked,
    regressionPredictions: films.map((film, i) => ({
      tmdbId: film.tmdbId,
      actual: film.popularity,
      predicted: allPredicted[i],
      inTestSet: inTest[i] === 1,
    })),
    // The first ROC threshold is +∞ (nothing positive); JSON has no infinity, so store 1 above the top score.
    roc: {
      fpr: curve.fpr,
      tpr: curve.tpr,
      thresholds: curve.thresholds.map((value, i) => (i === 0 ? (curve.thresholds[1] ?? 0) + 1 : value)),
    },
    clusterPoints: films.map((film, i) => ({
      tmdbId: film.tmdbId,
      cluster: clustering.labels[i],
      pc1: projected.data[i],
      pc2: projected.cols > 1 ? projected.data[n + i] : 0,
    })),
    clusterProfiles: profiles,
    artifacts,
  };
}

/**
 * 5-fold cross-validation with the scaler fitted inside each fold, exactly as the reference script
 * does it: shuffled folds for the regressions, stratified folds for the classifier.
 */
async function crossValidate(
  horror: Matrix,
  linearX: Matrix,
  popularity: Float64Array,
  voteAverage: Float64Array,
  highRating: Int32Array,
  settings: TrainingSettings,
  grow: TreeGrower,
): Promise<Record<CrossValidatedMetric, MeanStd>> {
  const forestOptions = { trees: settings.trees, maxDepth: settings.maxDepth, seed: settings.seed };
  const scores: Record<CrossValidatedMetric, number[]> = {
    rf_regression_r2: [],
    rf_regression_mae: [],
    rf_classification_auc: [],
    rf_classification_accuracy: [],
    linear_popularity_r2: [],
    linear_popularity_mae: [],
    linear_vote_average_r2: [],
    linear_vote_average_mae: [],
  };
  const n = horror.rows;
  // Each fold's forest is started before the previous fold is scored, so worker threads grow trees
  // while this thread scales data and scores predictions.
  const jobs: Array<() => Promise<() => void>> = [];
  for (const { train, test } of kFold(n, settings.folds, createNumpyRandom(settings.seed))) {
    jobs.push(async () => {
      const parts = scaledParts(horror, train, test);
      const forest = await fitRandomForestRegressorWith(
        grow,
        parts.train,
        selectValues(popularity, train),
        forestOptions,
      );
      return () => {
        const actual = selectValues(popularity, test);
        const predicted = predictRandomForest(forest, parts.test);
        scores.rf_regression_r2.push(r2Score(actual, predicted));
        scores.rf_regression_mae.push(meanAbsoluteError(actual, predicted));
        const linearParts = linearX === horror ? parts : scaledParts(linearX, train, test);
        for (const [name, target] of [
          ['popularity', popularity],
          ['vote_average', voteAverage],
        ] as const) {
          const model = fitLinearRegression(linearParts.train, selectValues(target, train));
          const truth = selectValues(target, test);
          const estimate = predictLinearRegression(model, linearParts.test);
          scores[`linear_${name}_r2`].push(r2Score(truth, estimate));
          scores[`linear_${name}_mae`].push(meanAbsoluteError(truth, estimate));
        }
      };
    });
  }
  for (const { train, test } of stratifiedKFold(
    highRating,
    settings.folds,
    createNumpyRandom(settings.seed),
  )) {
    jobs.push(async () => {
      const parts = scaledParts(horror, train, test);
      const forest = await fitRandomForestClassifierWith(
        grow,
        parts.train,
        selectValues(highRating, train),
        forestOptions,
      );
      return () => {
        const actual = selectValues(highRating, test);
        const positive = classProbability(forest, predictRandomForestProba(forest, parts.test));
        // A fold holding one class only has no ROC curve; scikit-learn would stop, we leave the fold out.
        if (actual.includes(0) && actual.includes(1)) {
          scores.rf_classification_auc.push(rocAucScore(actual, positive));
        }
        scores.rf_classification_accuracy.push(
          accuracy(
            actual,
            Int32Array.from(positive, (p) => (p > 0.5 ? 1 : 0)),
          ),
        );
      };
    });
  }
  const start = (j: number) => {
    const job = jobs[j]();
    // Awaited in turn below; if an earlier fold fails first, this one's failure is not news.
    job.catch(() => {});
    return job;
  };
  let next = start(0);
  for (let j = 0; j < jobs.length; j++) {
    const current = next;
    if (j + 1 < jobs.length) next = start(j + 1);
    (await current)();
  }
  return Object.fromEntries(
    Object.entries(scores).map(([name, values]) => [name, meanStd(values)]),
  ) as Record<CrossValidatedMetric, MeanStd>;
}
