import { describe, expect, it } from 'vitest';
import { binFeatures, binOf, fitBinEdges } from '../../src/ml/binning.js';
import { fitGradientBoostingRegressor, predictGradientBoosting, shouldStop } from '../../src/ml/boosting.js';
import { type Matrix, matrixFromRows } from '../../src/ml/matrix.js';
import { meanAbsoluteError, r2Score } from '../../src/ml/metrics.js';
import { createRandom } from '../../src/ml/random.js';

/** y = sin(3 x0) · x1 + a step in x2, plus noise; x3 is noise only. */
function nonlinear(n: number, seed: number, noise = 0.1): { x: Matrix; y: Float64Array } {
  const random = createRandom(seed);
  const rows = Array.from({ length: n }, () => [
    random.next() * 2,
    random.next(),
    random.nextInt(4),
    random.next(),
  ]);
  const y = Float64Array.from(
    rows,
    (r) => Math.sin(3 * r[0]) * r[1] * 4 + (r[2] >= 2 ? 2 : 0) + noise * (random.next() - 0.5),
  );
  return { x: matrixFromRows(rows), y };
}

describe('binning', () => {
  it('gives each of a few values its own bin, and a value on an edge the lower bin', () => {
    const x = matrixFromRows([[3], [1], [2], [2]]);
    const edges = fitBinEdges(x);
    expect(edges).toEqual([[1.5, 2.5]]);
    expect(Array.from(binFeatures(x, edges))).toEqual([2, 0, 1, 1]);
    expect(binOf(edges[0], 1.5)).toBe(0);
  });

  it('cuts a many-valued feature into at most maxBins quantile bins of similar size', () => {
    const x = matrixFromRows(Array.from({ length: 1000 }, (_, i) => [i]));
    const edges = fitBinEdges(x, 10);
    expect(edges[0]).toHaveLength(9);
    const counts = new Array(10).fill(0);
    for (const code of binFeatures(x, edges)) counts[code]++;
    expect(counts).toEqual(new Array(10).fill(100));
  });

  it('a value tied across several quantiles takes one bin and leaves the rest to the other values', () => {
    const x = matrixFromRows(Array.from({ length: 1000 }, (_, i) => [i < 500 ? 0 : i]));
    const edges = fitBinEdges(x, 10);
    expect(edges[0]).toHaveLength(9);
    const counts = new Array(10).fill(0);
    for (const code of binFeatures(x, edges)) counts[code]++;
    expect(counts[0]).toBe(500);
    for (const count of counts.slice(1)) expect(count).toBeGreaterThanOrEqual(50);
  });
});

describe('gradient boosting', () => {
  const train = nonlinear(1500, 1);
  const test = nonlinear(500, 2);
  const meanOf = (values: Float64Array) => values.reduce((a, b) => a + b, 0) / values.length;

  it('beats the mean by far on a nonlinear target (squared error)', () => {
    const model = fitGradientBoostingRegressor(train.x, train.y, { earlyStopping: false }, createRandom(3));
    const predicted = predictGradientBoosting(model, test.x);
    expect(r2Score(test.y, predicted)).toBeGreaterThan(0.9);
    const baseline = new Float64Array(test.y.length).fill(meanOf(train.y));
    expect(meanAbsoluteError(test.y, predicted)).toBeLessThan(0.3 * meanAbsoluteError(test.y, baseline));
  });

  it('with absolute error, starts from the median and resists outliers', () => {
    const y = Float64Array.from(train.y, (v, i) => (i % 50 === 0 ? v + 1000 : v));
    const robust = fitGradientBoostingRegressor(train.x, y, { loss: 'absolute_error' }, createRandom(3));
    const squared = fitGradientBoostingRegressor(train.x, y, { loss: 'squared_error' }, createRandom(3));
    const sorted = Float64Array.from(y).sort();
    expect(robust.baseline).toBe((sorted[749] + sorted[750]) / 2);
    const robustError = meanAbsoluteError(test.y, predictGradientBoosting(robust, test.x));
    const squaredError = meanAbsoluteError(test.y, predictGradientBoosting(squared, test.x));
    expect(robustError).toBeLessThan(squaredError / 2);
    expect(r2Score(test.y, predictGradientBoosting(robust, test.x))).toBeGreaterThan(0.8);
  });

  it('stops early when the validation loss stops improving', () => {
    const random = createRandom(4);
    const pureNoise = Float64Array.from({ length: 1500 }, () => random.next());
    const model = fitGradientBoostingRegressor(
      train.x,
      pureNoise,
      { earlyStopping: true, nIterNoChange: 5, maxIter: 200 },
      createRandom(5),
    );
    expect(model.trees.length).toBeLessThan(50);
    expect(model.validationLoss).toHaveLength(model.trees.length + 1);
    const unstopped = fitGradientBoostingRegressor(
      train.x,
      train.y,
      { earlyStopping: false, maxIter: 30 },
      createRandom(5),
    );
    expect(unstopped.trees).toHaveLength(30);
    expect(unstopped.validationLoss).toEqual([]);
  });

  it('the stopping rule wants an improvement beyond tol within the patience window', () => {
    expect(shouldStop([5, 4, 3], 2, 0)).toBe(false);
    expect(shouldStop([5, 4, 4, 4], 2, 0)).toBe(true);
    expect(shouldStop([5, 4, 3.9, 3.95], 2, 0.5)).toBe(true);
    expect(shouldStop([5, 4], 2, 0)).toBe(false);
  });

  it('shrinks leaves with l2 regularisation and limits depth', () => {
    const options = { earlyStopping: false, maxIter: 1, maxDepth: 2 } as const;
    const plain = fitGradientBoostingRegressor(train.x, train.y, options, createRandom(6));
    const shrunk = fitGradientBoostingRegressor(
      train.x,
      train.y,
      { ...options, l2Regularization: 1e6 },
      createRandom(6),
    );
    expect(plain.trees[0].feature.length).toBeLessThanOrEqual(7);
    const spread = (values: number[]) => Math.max(...values) - Math.min(...values);
    expect(spread(shrunk.trees[0].value)).toBeLessThan(spread(plain.trees[0].value) / 100);
  });

  it('is plain JSON: a round trip predicts the same, and the same seed fits the same model', () => {
    const model = fitGradientBoostingRegressor(train.x, train.y, { maxIter: 20 }, createRandom(7));
    const copy = JSON.parse(JSON.stringify(model));
    expect(predictGradientBoosting(copy, test.x)).toEqual(predictGradientBoosting(model, test.x));
    expect(fitGradientBoostingRegressor(train.x, train.y, { maxIter: 20 }, createRandom(7))).toEqual(model);
  });

  it('rejects unknown options and mismatched shapes', () => {
    expect(() =>
      fitGradientBoostingRegressor(train.x, train.y, { learningRate: 0 }, createRandom(1)),
    ).toThrow();
    expect(() => fitGradientBoostingRegressor(train.x, train.y.subarray(1), {}, createRandom(1))).toThrow(
      RangeError,
    );
  });
});
