import type { TreeGrower } from '../ml/forest.js';
import { type Matrix, selectRows } from '../ml/matrix.js';
import { meanAbsoluteError, r2Score } from '../ml/metrics.js';
import { createNumpyRandom, type Random } from '../ml/random.js';
import { fitStandardScaler, transformStandardScaler } from '../ml/scaler.js';
import {
  featureMatrix,
  HORROR_FEATURES,
  horrorFeatureRow,
  LINEAR_FEATURES,
  linearFeatureRow,
} from './features.js';
import type { RegressionScores, TrainingFilm, TrainingSettings } from './types.js';

/** The films as the models see them: feature matrices and targets, built once per run. */
export interface TrainingData {
  readonly n: number;
  /** The horror analysis features, which the forests and clustering use. */
  readonly horror: Matrix;
  /** The linear baseline's features: its own set, or the horror matrix itself. */
  readonly linearX: Matrix;
  readonly linearNames: readonly string[];
  readonly linearSet: TrainingSettings['linearFeatureSet'];
  readonly popularity: Float64Array;
  readonly voteAverage: Float64Array;
  /** The median vote average: above it a film counts as "high rating". */
  readonly threshold: number;
  readonly highRating: Int32Array;
}

export function prepareTrainingData(
  films: readonly TrainingFilm[],
  linearSet: TrainingSettings['linearFeatureSet'],
): TrainingData {
  const horror = featureMatrix(films, horrorFeatureRow);
  const voteAverage = Float64Array.from(films, (f) => f.voteAverage);
  const threshold = median(voteAverage);
  return {
    n: films.length,
    horror,
    linearX: linearSet === 'linear' ? featureMatrix(films, linearFeatureRow) : horror,
    linearNames: linearSet === 'linear' ? LINEAR_FEATURES : HORROR_FEATURES,
    linearSet,
    popularity: Float64Array.from(films, (f) => f.popularity),
    voteAverage,
    threshold,
    highRating: Int32Array.from(voteAverage, (v) => (v > threshold ? 1 : 0)),
  };
}

/** numpy's median: the mean of the two middle values for an even count. */
export function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** A train/test split of `x`, both parts scaled by a scaler fitted on the training part only. */
export function scaledParts(x: Matrix, train: Int32Array, test: Int32Array) {
  const trainRows = selectRows(x, train);
  const scaler = fitStandardScaler(trainRows);
  return {
    scaler,
    train: transformStandardScaler(scaler, trainRows),
    test: transformStandardScaler(scaler, selectRows(x, test)),
  };
}

export function regressionScores(actual: Float64Array, predicted: Float64Array): RegressionScores {
  return { mae: meanAbsoluteError(actual, predicted), r2: r2Score(actual, predicted) };
}

/** Every split and every k-means start draws from a fresh generator on the run's seed. */
export function seededRandom(settings: TrainingSettings): Random {
  return createNumpyRandom(settings.seed);
}

/** Forest hyper-parameters and the thread that grows the trees. */
export interface ForestContext {
  readonly grow: TreeGrower;
  readonly options: { trees: number; maxDepth: number; seed: number; maxSamples: number };
}

export function forestContext(settings: TrainingSettings, grow: TreeGrower): ForestContext {
  return {
    grow,
    options: {
      trees: settings.trees,
      maxDepth: settings.maxDepth,
      seed: settings.seed,
      maxSamples: settings.forestSampleCap,
    },
  };
}
