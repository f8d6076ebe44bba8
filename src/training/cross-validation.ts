import {
  classProbability,
  fitRandomForestClassifierWith,
  fitRandomForestRegressorWith,
  predictRandomForest,
  predictRandomForestProba,
} from '../ml/forest.js';
import { fitLinearRegression, predictLinearRegression } from '../ml/linear.js';
import { selectValues } from '../ml/matrix.js';
import { accuracy, type MeanStd, meanAbsoluteError, meanStd, r2Score, rocAucScore } from '../ml/metrics.js';
import { kFold, stratifiedKFold, type TrainTestIndices } from '../ml/split.js';
import { type ForestContext, scaledParts, seededRandom, type TrainingData } from './data.js';
import { predictedClasses } from './models/classification.js';
import type { CrossValidatedMetric, TrainingSettings } from './types.js';

type Scores = Record<CrossValidatedMetric, number[]>;

/**
 * A fold's work in two halves: the returned promise fits its forest, the function it resolves to
 * scores the fold. Splitting them lets the next fold's forest grow while this one is scored.
 */
type FoldJob = () => Promise<() => void>;

/**
 * k-fold cross-validation of every metric with the scaler fitted inside each fold: shuffled folds
 * for the regressions, stratified folds for the classifier.
 */
export async function crossValidate(
  data: TrainingData,
  settings: TrainingSettings,
  forest: ForestContext,
): Promise<Record<CrossValidatedMetric, MeanStd>> {
  const scores: Scores = {
    rf_regression_r2: [],
    rf_regression_mae: [],
    rf_classification_auc: [],
    rf_classification_accuracy: [],
    linear_popularity_r2: [],
    linear_popularity_mae: [],
    linear_vote_average_r2: [],
    linear_vote_average_mae: [],
  };
  const jobs: FoldJob[] = [
    ...kFold(data.n, settings.folds, seededRandom(settings)).map(
      (fold) => () => regressionFold(data, fold, forest, scores),
    ),
    ...stratifiedKFold(data.highRating, settings.folds, seededRandom(settings)).map(
      (fold) => () => classificationFold(data, fold, forest, scores),
    ),
  ];
  await runOverlapped(jobs);
  return Object.fromEntries(
    Object.entries(scores).map(([name, values]) => [name, meanStd(values)]),
  ) as Record<CrossValidatedMetric, MeanStd>;
}

/** The forest regressor and both linear baselines on one shuffled fold. */
async function regressionFold(
  data: TrainingData,
  { train, test }: TrainTestIndices,
  forest: ForestContext,
  scores: Scores,
): Promise<() => void> {
  const parts = scaledParts(data.horror, train, test);
  const model = await fitRandomForestRegressorWith(
    forest.grow,
    parts.train,
    selectValues(data.popularity, train),
    forest.options,
  );
  return () => {
    const actual = selectValues(data.popularity, test);
    const predicted = predictRandomForest(model, parts.test);
    scores.rf_regression_r2.push(r2Score(actual, predicted));
    scores.rf_regression_mae.push(meanAbsoluteError(actual, predicted));
    const linearParts = data.linearX === data.horror ? parts : scaledParts(data.linearX, train, test);
    for (const [name, target] of [
      ['popularity', data.popularity],
      ['vote_average', data.voteAverage],
    ] as const) {
      const linear = fitLinearRegression(linearParts.train, selectValues(target, train));
      const truth = selectValues(target, test);
      const estimate = predictLinearRegression(linear, linearParts.test);
      scores[`linear_${name}_r2`].push(r2Score(truth, estimate));
      scores[`linear_${name}_mae`].push(meanAbsoluteError(truth, estimate));
    }
  };
}

/** The forest classifier on one stratified fold. */
async function classificationFold(
  data: TrainingData,
  { train, test }: TrainTestIndices,
  forest: ForestContext,
  scores: Scores,
): Promise<() => void> {
  const parts = scaledParts(data.horror, train, test);
  const model = await fitRandomForestClassifierWith(
    forest.grow,
    parts.train,
    selectValues(data.highRating, train),
    forest.options,
  );
  return () => {
    const actual = selectValues(data.highRating, test);
    const positive = classProbability(model, predictRandomForestProba(model, parts.test));
    // A fold holding one class only has no ROC curve; scikit-learn would stop, we leave the fold out.
    if (actual.includes(0) && actual.includes(1)) {
      scores.rf_classification_auc.push(rocAucScore(actual, positive));
    }
    scores.rf_classification_accuracy.push(accuracy(actual, predictedClasses(positive)));
  };
}

/**
 * Runs the jobs in order, each started before the previous one is scored, so worker threads grow
 * trees while this thread scales data and scores predictions. Scores land in job order.
 */
async function runOverlapped(jobs: readonly FoldJob[]): Promise<void> {
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
}
