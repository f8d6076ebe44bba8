import { describe, expect, it } from 'vitest';
import { fitGradientBoostingRegressor, predictGradientBoosting } from '../../src/ml/boosting.js';
import {
  boostingContributions,
  forestContributions,
  meanAbsoluteContributions,
} from '../../src/ml/contributions.js';
import { fitRandomForestRegressor, predictRandomForest } from '../../src/ml/forest.js';
import { matrixFromRows } from '../../src/ml/matrix.js';
import { createRandom } from '../../src/ml/random.js';

describe('path contributions of boosted trees', () => {
  const random = createRandom(11);
  const rows = Array.from({ length: 800 }, () => [random.next(), random.next(), random.next()]);
  // Feature 0 matters most, feature 1 a little, feature 2 not at all.
  const y = Float64Array.from(rows, (r) => 10 * r[0] + 2 * (r[1] > 0.5 ? 1 : 0));
  const x = matrixFromRows(rows);
  const model = fitGradientBoostingRegressor(x, y, { maxIter: 40 }, createRandom(12));
  const contributions = boostingContributions(model, x);

  it('base plus contributions is the prediction of every row', () => {
    const predicted = predictGradientBoosting(model, x);
    for (let i = 0; i < x.rows; i++) {
      let total = contributions.base;
      for (let j = 0; j < 3; j++) total += contributions.values[i * 3 + j];
      expect(total).toBeCloseTo(predicted[i], 9);
    }
  });

  it('the base is the mean training prediction, and credit follows how much a feature matters', () => {
    const predicted = predictGradientBoosting(model, x);
    expect(contributions.base).toBeCloseTo(predicted.reduce((a, b) => a + b, 0) / x.rows, 9);
    const [first, second, third] = meanAbsoluteContributions(contributions);
    expect(first).toBeGreaterThan(2 * second);
    expect(second).toBeGreaterThan(5 * third);
  });
});

describe('path contributions of a random forest', () => {
  const random = createRandom(13);
  const rows = Array.from({ length: 400 }, () => [random.next(), random.next(), random.next()]);
  const y = Float64Array.from(rows, (r) => 10 * r[0] + 2 * (r[1] > 0.5 ? 1 : 0));
  const x = matrixFromRows(rows);
  const model = fitRandomForestRegressor(x, y, { trees: 10, maxDepth: 6, seed: 14 });
  const unseen = matrixFromRows(
    Array.from({ length: 50 }, () => [random.next(), random.next(), random.next()]),
  );
  const contributions = forestContributions(model, x, unseen);

  it('base plus contributions is the forest prediction, on rows it was not fitted on', () => {
    const predicted = predictRandomForest(model, unseen);
    for (let i = 0; i < unseen.rows; i++) {
      let total = contributions.base;
      for (let j = 0; j < 3; j++) total += contributions.values[i * 3 + j];
      expect(total).toBeCloseTo(predicted[i], 9);
    }
  });

  it('credits the feature that matters most', () => {
    const [first, second, third] = meanAbsoluteContributions(contributions);
    expect(first).toBeGreaterThan(2 * second);
    expect(second).toBeGreaterThan(third);
  });
});
