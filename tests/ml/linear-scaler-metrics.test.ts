import { describe, expect, it } from 'vitest';
import { fitLinearRegression, predictLinearRegression } from '../../src/ml/linear.js';
import { matrixFromRows } from '../../src/ml/matrix.js';
import {
  accuracy,
  confusionMatrix,
  meanAbsoluteError,
  meanStd,
  r2Score,
  rocAucScore,
  rocCurve,
} from '../../src/ml/metrics.js';
import { createRandom } from '../../src/ml/random.js';
import { fitStandardScaler, transformStandardScaler } from '../../src/ml/scaler.js';

describe('standard scaler', () => {
  it('centres and divides by the population standard deviation', () => {
    const x = matrixFromRows([[1], [2], [3], [4]]);
    const model = fitStandardScaler(x);
    expect(model.mean[0]).toBe(2.5);
    expect(model.scale[0]).toBeCloseTo(Math.sqrt(1.25), 12);
    const scaled = transformStandardScaler(model, x);
    expect(Array.from(scaled.data).reduce((a, b) => a + b, 0)).toBeCloseTo(0, 12);
  });

  it('leaves a constant column centred instead of dividing by zero', () => {
    const x = matrixFromRows([
      [5, 1],
      [5, 2],
    ]);
    const model = fitStandardScaler(x);
    expect(model.scale[0]).toBe(1);
    expect(Array.from(transformStandardScaler(model, x).data.subarray(0, 2))).toEqual([0, 0]);
  });
});

describe('linear least squares', () => {
  it('solves a hand-computed line', () => {
    // x = 1, 2, 3; y = 2, 4, 7: slope Sxy/Sxx = 5/2, intercept 13/3 - 2·5/2 = -2/3
    const model = fitLinearRegression(matrixFromRows([[1], [2], [3]]), Float64Array.from([2, 4, 7]));
    expect(model.coefficients[0]).toBeCloseTo(2.5, 12);
    expect(model.intercept).toBeCloseTo(-2 / 3, 12);
  });

  it('scores R² = 1 on an exact linear relation', () => {
    const random = createRandom(11);
    const rows = Array.from({ length: 50 }, () => [random.next(), random.next(), random.next()]);
    const y = Float64Array.from(rows, (r) => 3 + 2 * r[0] - r[1] + 0.5 * r[2]);
    const x = matrixFromRows(rows);
    const model = fitLinearRegression(x, y);
    expect(r2Score(y, predictLinearRegression(model, x))).toBeCloseTo(1, 12);
    expect(model.coefficients[0]).toBeCloseTo(2, 10);
    expect(model.rank).toBe(3);
  });

  it('survives a constant column and a duplicated column (minimum-norm solution)', () => {
    const rows = Array.from({ length: 20 }, (_, i) => [i, 7, i]);
    const y = Float64Array.from(rows, (r) => 1 + 4 * r[0]);
    const x = matrixFromRows(rows);
    const model = fitLinearRegression(x, y);
    expect(model.rank).toBe(1);
    expect(model.coefficients[1]).toBeCloseTo(0, 10);
    // The weight of the duplicated feature is shared equally: the smallest coefficients that fit.
    expect(model.coefficients[0]).toBeCloseTo(2, 10);
    expect(model.coefficients[2]).toBeCloseTo(2, 10);
    expect(r2Score(y, predictLinearRegression(model, x))).toBeCloseTo(1, 12);
  });
});

describe('metrics', () => {
  it('MAE and R² on a hand-computed case', () => {
    const actual = [3, -0.5, 2, 7];
    const predicted = [2.5, 0, 2, 8];
    expect(meanAbsoluteError(actual, predicted)).toBe(0.5);
    // scikit-learn's r2_score documentation example
    expect(r2Score(actual, predicted)).toBeCloseTo(0.9486081370449679, 14);
    expect(r2Score([1, 1], [1, 1])).toBe(1);
    expect(r2Score([1, 1], [1, 2])).toBe(0);
  });

  it('accuracy and confusion matrix (rows are true classes)', () => {
    const actual = [0, 0, 1, 1, 1];
    const predicted = [0, 1, 1, 1, 0];
    expect(accuracy(actual, predicted)).toBe(0.6);
    expect(confusionMatrix(actual, predicted)).toEqual([
      [1, 1],
      [1, 2],
    ]);
  });

  it("ROC curve and AUC of scikit-learn's documentation example", () => {
    const actual = [0, 0, 1, 1];
    const scores = [0.1, 0.4, 0.35, 0.8];
    const curve = rocCurve(actual, scores);
    expect(curve.fpr).toEqual([0, 0, 0.5, 0.5, 1]);
    expect(curve.tpr).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(curve.thresholds).toEqual([Number.POSITIVE_INFINITY, 0.8, 0.4, 0.35, 0.1]);
    expect(rocAucScore(actual, scores)).toBe(0.75);
  });

  it('AUC is 1 on separable classes and 0.5 on constant scores', () => {
    expect(rocAucScore([0, 0, 0, 1, 1], [0.1, 0.2, 0.3, 0.7, 0.9])).toBe(1);
    expect(rocAucScore([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
    expect(() => rocAucScore([1, 1], [0.2, 0.3])).toThrow(/one class/);
  });

  it('mean and population standard deviation', () => {
    expect(meanStd([1, 2, 3, 4])).toEqual({ mean: 2.5, std: Math.sqrt(1.25) });
  });
});
