import { modelToJson } from '../../ml/artifact.js';
import {
  classProbability,
  fitRandomForestClassifierWith,
  predictRandomForestProba,
} from '../../ml/forest.js';
import { selectValues } from '../../ml/matrix.js';
import { accuracy, confusionMatrix, type RocCurve, rocAucScore, rocCurve } from '../../ml/metrics.js';
import { stratifiedTrainTestSplit } from '../../ml/split.js';
import { pipelineArtifact } from '../artifacts.js';
import { type ForestContext, scaledParts, seededRandom, type TrainingData } from '../data.js';
import { HORROR_FEATURES } from '../features.js';
import type { ModelArtifact, TrainingMetrics, TrainingSettings } from '../types.js';

export interface ForestClassificationResult {
  readonly metrics: TrainingMetrics['rf_classification'];
  readonly roc: RocCurve;
  readonly artifact: ModelArtifact;
}

/** Class 1 when the positive class is more likely than not. */
export function predictedClasses(positive: Float64Array): Int32Array {
  return Int32Array.from(positive, (p) => (p > 0.5 ? 1 : 0));
}

/**
 * A random forest telling films above the median vote average from the others, on a stratified
 * split of the scaled horror features. Throws when either class is missing, as there is then
 * nothing to classify or score.
 */
export async function fitForestClassification(
  data: TrainingData,
  settings: TrainingSettings,
  forest: ForestContext,
): Promise<ForestClassificationResult> {
  const { highRating } = data;
  if (!highRating.includes(1) || !highRating.includes(0)) {
    throw new Error('every film has the same vote average: nothing to classify');
  }
  const parts = stratifiedTrainTestSplit(highRating, settings.testFraction, seededRandom(settings));
  const scaled = scaledParts(data.horror, parts.train, parts.test);
  const classifier = await fitRandomForestClassifierWith(
    forest.grow,
    scaled.train,
    selectValues(highRating, parts.train),
    forest.options,
  );
  const actual = selectValues(highRating, parts.test);
  if (!actual.includes(0) || !actual.includes(1)) {
    throw new Error('too few films on one side of the vote_average median to score a classifier');
  }
  const positive = classProbability(classifier, predictRandomForestProba(classifier, scaled.test));
  const predicted = predictedClasses(positive);
  return {
    metrics: {
      accuracy: accuracy(actual, predicted),
      auc: rocAucScore(actual, positive),
      threshold: data.threshold,
      confusion: confusionMatrix(actual, predicted, 2),
    },
    roc: rocCurve(actual, positive),
    artifact: pipelineArtifact({
      name: 'rf_classification',
      featureSet: 'horror',
      features: HORROR_FEATURES,
      scaler: modelToJson(scaled.scaler),
      model: modelToJson(classifier),
      threshold: data.threshold,
    }),
  };
}
