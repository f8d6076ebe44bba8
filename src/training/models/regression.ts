import { modelToJson } from '../../ml/artifact.js';
import { fitRandomForestRegressorWith, predictRandomForest } from '../../ml/forest.js';
import { fitLinearRegression, type LinearModel, predictLinearRegression } from '../../ml/linear.js';
import { selectValues } from '../../ml/matrix.js';
import { transformStandardScaler } from '../../ml/scaler.js';
import { trainTestSplit } from '../../ml/split.js';
import { pipelineArtifact } from '../artifacts.js';
import {
  type ForestContext,
  regressionScores,
  scaledParts,
  seededRandom,
  type TrainingData,
} from '../data.js';
import { HORROR_FEATURES } from '../features.js';
import type { ModelArtifact, RegressionScores, TrainingSettings } from '../types.js';

const LINEAR_TARGETS = ['popularity', 'vote_average'] as const;
type LinearTarget = (typeof LINEAR_TARGETS)[number];

export interface LinearBaselineResult {
  readonly scores: Record<LinearTarget, RegressionScores>;
  /** Each target predicted for every film. */
  readonly predictions: Record<LinearTarget, Float64Array>;
  readonly artifacts: ModelArtifact[];
}

/** Ordinary least squares on the scaled linear features, one model per target, scored on the test part. */
export function fitLinearBaseline(data: TrainingData, settings: TrainingSettings): LinearBaselineResult {
  const parts = trainTestSplit(data.n, settings.testFraction, seededRandom(settings));
  const scaled = scaledParts(data.linearX, parts.train, parts.test);
  const all = transformStandardScaler(scaled.scaler, data.linearX);
  const targets: Record<LinearTarget, Float64Array> = {
    popularity: data.popularity,
    vote_average: data.voteAverage,
  };
  const models = {} as Record<LinearTarget, LinearModel>;
  const scores = {} as Record<LinearTarget, RegressionScores>;
  const predictions = {} as Record<LinearTarget, Float64Array>;
  for (const target of LINEAR_TARGETS) {
    models[target] = fitLinearRegression(scaled.train, selectValues(targets[target], parts.train));
    scores[target] = regressionScores(
      selectValues(targets[target], parts.test),
      predictLinearRegression(models[target], scaled.test),
    );
    predictions[target] = predictLinearRegression(models[target], all);
  }
  const artifacts = LINEAR_TARGETS.map((target) =>
    pipelineArtifact({
      name: `linear_${target}`,
      featureSet: data.linearSet,
      features: data.linearNames,
      scaler: modelToJson(scaled.scaler),
      model: modelToJson(models[target]),
    }),
  );
  return { scores, predictions, artifacts };
}

export interface RankedFeature {
  feature: string;
  importance: number;
  rank: number;
}

export interface ForestRegressionResult {
  readonly scores: RegressionScores;
  /** The horror features by importance, most important first. */
  readonly ranked: RankedFeature[];
  /** Popularity predicted for every film. */
  readonly predictions: Float64Array;
  /** 1 where the film was in the test part. */
  readonly inTest: Uint8Array;
  readonly artifact: ModelArtifact;
}

/** A random forest predicting popularity from the scaled horror features. */
export async function fitForestRegression(
  data: TrainingData,
  settings: TrainingSettings,
  forest: ForestContext,
): Promise<ForestRegressionResult> {
  const parts = trainTestSplit(data.n, settings.testFraction, seededRandom(settings));
  const scaled = scaledParts(data.horror, parts.train, parts.test);
  const regressor = await fitRandomForestRegressorWith(
    forest.grow,
    scaled.train,
    selectValues(data.popularity, parts.train),
    forest.options,
  );
  // Every film is predicted once; the test part's predictions are among them (scaling a row does
  // not depend on the rows beside it).
  const predictions = predictRandomForest(regressor, transformStandardScaler(scaled.scaler, data.horror));
  const scores = regressionScores(
    selectValues(data.popularity, parts.test),
    selectValues(predictions, parts.test),
  );
  const inTest = new Uint8Array(data.n);
  for (const i of parts.test) inTest[i] = 1;
  return {
    scores,
    ranked: rankFeatures(regressor.featureImportances),
    predictions,
    inTest,
    artifact: pipelineArtifact({
      name: 'rf_regression',
      featureSet: 'horror',
      features: HORROR_FEATURES,
      scaler: modelToJson(scaled.scaler),
      model: modelToJson(regressor),
    }),
  };
}

function rankFeatures(importances: ArrayLike<number>): RankedFeature[] {
  return HORROR_FEATURES.map((feature, j) => ({ feature, importance: importances[j] }))
    .sort((a, b) => b.importance - a.importance)
    .map((entry, index) => ({ ...entry, rank: index + 1 }));
}
