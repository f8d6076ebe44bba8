import { afterAll, describe, expect, it } from 'vitest';
import { expectModel } from '../../src/ml/artifact.js';
import {
  classProbability,
  fitRandomForestClassifier,
  fitRandomForestClassifierWith,
  fitRandomForestRegressor,
  fitRandomForestRegressorWith,
  predictRandomForest,
  predictRandomForestClass,
  predictRandomForestProba,
} from '../../src/ml/forest.js';
import { createForestPool } from '../../src/ml/forest-pool.js';
import { type Matrix, matrixFromRows } from '../../src/ml/matrix.js';
import { r2Score, rocAucScore } from '../../src/ml/metrics.js';
import { createRandom } from '../../src/ml/random.js';
import { deserializeModel, serializeModel } from './model-text.js';

/** y depends on features 0 and 1 only; features 2 and 3 are noise. */
function synthetic(n: number, seed: number): { x: Matrix; y: Float64Array; labels: Int32Array } {
  const random = createRandom(seed);
  const rows = Array.from({ length: n }, () => [
    random.next(),
    random.nextInt(3),
    random.next(),
    random.next(),
  ]);
  const y = Float64Array.from(rows, (r) => 10 * r[0] + 5 * r[1]);
  const labels = Int32Array.from(rows, (r) => (r[0] + 0.3 * r[1] > 0.8 ? 1 : 0));
  return { x: matrixFromRows(rows), y, labels };
}

describe('random forest: hand-computed trees', () => {
  it('a single stump without bootstrap splits half-way between the classes', () => {
    const x = matrixFromRows([[1], [2], [3], [4]]);
    const model = fitRandomForestRegressor(x, Float64Array.from([0, 0, 1, 1]), {
      trees: 1,
      maxDepth: 1,
      bootstrap: false,
    });
    expect(Array.from(model.trees.feature)).toEqual([0, -1, -1]);
    expect(model.trees.threshold[0]).toBe(2.5);
    expect(Array.from(predictRandomForest(model, matrixFromRows([[0], [2.4], [2.6], [9]])))).toEqual([
      0, 0, 1, 1,
    ]);
    expect(model.featureImportances).toEqual([1]);
  });

  it('a depth-2 regression tree is exact on a three-step function', () => {
    const x = matrixFromRows([[1], [2], [3], [4], [5], [6]]);
    const y = Float64Array.from([1, 1, 5, 5, 9, 9]);
    const model = fitRandomForestRegressor(x, y, { trees: 1, maxDepth: 2, bootstrap: false });
    expect(Array.from(predictRandomForest(model, x))).toEqual([1, 1, 5, 5, 9, 9]);
  });

  it('a classifier leaf holds class frequencies', () => {
    const x = matrixFromRows([[0], [0], [0], [1]]);
    const model = fitRandomForestClassifier(x, Int32Array.from([0, 0, 1, 1]), {
      trees: 1,
      maxDepth: 1,
      bootstrap: false,
    });
    const proba = predictRandomForestProba(model, matrixFromRows([[0], [1]]));
    expect(Array.from(proba)).toEqual([2 / 3, 1 / 3, 0, 1]);
  });
});

describe('random forest: properties', () => {
  const train = synthetic(400, 1);
  const test = synthetic(200, 2);

  it('regression fits a noiseless relation closely and ranks the informative features first', () => {
    const model = fitRandomForestRegressor(train.x, train.y, { trees: 30, maxDepth: 10, seed: 3 });
    expect(r2Score(test.y, predictRandomForest(model, test.x))).toBeGreaterThan(0.95);
    const importances = model.featureImportances;
    expect(importances.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(Math.min(importances[0], importances[1])).toBeGreaterThan(
      Math.max(importances[2], importances[3]),
    );
  });

  it('classification separates separable classes (AUC 1) with probabilities that sum to 1', () => {
    const random = createRandom(9);
    const rows = Array.from({ length: 200 }, (_, i) => [
      i < 100 ? random.next() : 2 + random.next(),
      random.next(),
    ]);
    const labels = Int32Array.from(rows, (_, i) => (i < 100 ? 0 : 1));
    const x = matrixFromRows(rows);
    const model = fitRandomForestClassifier(x, labels, { trees: 20, maxDepth: 5, seed: 1 });
    const proba = predictRandomForestProba(model, x);
    for (let i = 0; i < rows.length; i++) expect(proba[2 * i] + proba[2 * i + 1]).toBeCloseTo(1, 12);
    expect(rocAucScore(labels, classProbability(model, proba))).toBe(1);
    expect(Array.from(predictRandomForestClass(model, x))).toEqual(Array.from(labels));
    expect(model.featureImportances.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('handles more than two classes', () => {
    const rows = Array.from({ length: 90 }, (_, i) => [i % 3, i]);
    const labels = Int32Array.from(rows, (r) => r[0]);
    const model = fitRandomForestClassifier(matrixFromRows(rows), labels, { trees: 10, seed: 2 });
    expect(model.classes).toBe(3);
    expect(Array.from(predictRandomForestClass(model, matrixFromRows(rows)))).toEqual(Array.from(labels));
  });

  it('uses scikit-learn defaults for max_features', () => {
    expect(fitRandomForestRegressor(train.x, train.y, { trees: 1 }).settings.maxFeatures).toBe(4);
    expect(fitRandomForestClassifier(train.x, train.labels, { trees: 1 }).settings.maxFeatures).toBe(2);
  });

  it('same seed → same forest; another seed → another forest', () => {
    const a = fitRandomForestRegressor(train.x, train.y, { trees: 5, maxDepth: 6, seed: 42 });
    const b = fitRandomForestRegressor(train.x, train.y, { trees: 5, maxDepth: 6, seed: 42 });
    const c = fitRandomForestRegressor(train.x, train.y, { trees: 5, maxDepth: 6, seed: 43 });
    expect(serializeModel(b)).toBe(serializeModel(a));
    expect(serializeModel(c)).not.toBe(serializeModel(a));
  });

  it('draws at most maxSamples rows per tree, and is the uncapped forest when the cap is the row count or more', () => {
    const uncapped = fitRandomForestRegressor(train.x, train.y, { trees: 5, seed: 9 });
    const atCount = fitRandomForestRegressor(train.x, train.y, { trees: 5, seed: 9, maxSamples: 400 });
    expect(atCount.trees).toEqual(uncapped.trees);
    const capped = fitRandomForestRegressor(train.x, train.y, { trees: 5, seed: 9, maxSamples: 50 });
    for (let t = 0; t < 5; t++) {
      // Grown until pure: one leaf per distinct drawn row at most, so at most 2 · 50 − 1 nodes.
      const nodes = capped.trees.nodeOffsets[t + 1] - capped.trees.nodeOffsets[t];
      expect(nodes).toBeLessThanOrEqual(99);
      expect(uncapped.trees.nodeOffsets[t + 1] - uncapped.trees.nodeOffsets[t]).toBeGreaterThan(99);
    }
    expect(() => fitRandomForestRegressor(train.x, train.y, { maxSamples: 0 })).toThrow(RangeError);
  });

  it('respects max depth', () => {
    const model = fitRandomForestRegressor(train.x, train.y, { trees: 3, maxDepth: 2, seed: 1 });
    for (let t = 0; t < 3; t++) {
      expect(model.trees.nodeOffsets[t + 1] - model.trees.nodeOffsets[t]).toBeLessThanOrEqual(7);
    }
  });

  it('respects the minimum leaf size, on histogram and sorted features alike', () => {
    const random = createRandom(12);
    // Feature 0 has few values (searched through histograms), feature 1 many (searched sorted).
    const rows = Array.from({ length: 300 }, () => [random.nextInt(6), random.next()]);
    const x = matrixFromRows(rows);
    const y = Float64Array.from(rows, (r) => r[0] + 3 * r[1]);
    const model = fitRandomForestRegressor(x, y, { trees: 1, bootstrap: false, minSamplesLeaf: 7, seed: 1 });
    const leafSizes = new Map<number, number>();
    const { feature, threshold, child } = model.trees;
    for (let i = 0; i < x.rows; i++) {
      let node = 0;
      while (feature[node] >= 0)
        node = x.data[feature[node] * x.rows + i] <= threshold[node] ? node + 1 : child[node];
      leafSizes.set(node, (leafSizes.get(node) ?? 0) + 1);
    }
    expect(leafSizes.size).toBeGreaterThan(5);
    for (const size of leafSizes.values()) expect(size).toBeGreaterThanOrEqual(7);
  });

  it('rejects non-finite features', () => {
    const x = matrixFromRows([[1], [Number.NaN]]);
    expect(() => fitRandomForestRegressor(x, Float64Array.from([1, 2]))).toThrow(/finite/);
  });
});

describe('random forest: artifacts', () => {
  it('serialise to versioned JSON and predict identically after reading back', () => {
    const { x, y } = synthetic(300, 4);
    const model = fitRandomForestRegressor(x, y, { trees: 20, maxDepth: 10, seed: 5 });
    const text = serializeModel(model);
    const envelope = JSON.parse(text);
    expect(envelope.format).toBe('horrorcast-model');
    expect(envelope.version).toBe(1);
    const restored = expectModel(deserializeModel(text), 'random-forest');
    expect(Array.from(predictRandomForest(restored, x))).toEqual(Array.from(predictRandomForest(model, x)));
    expect(restored.featureImportances).toEqual(model.featureImportances);
  });

  it('refuse another format or version', () => {
    expect(() => deserializeModel('{"format":"other"}')).toThrow(/not a horrorcast model/);
    expect(() => deserializeModel('{"format":"horrorcast-model","version":99,"model":{}}')).toThrow(
      /version 99/,
    );
  });
});

describe('random forest: worker threads', () => {
  const pool = createForestPool(2);
  afterAll(() => pool.close());

  it('grow the same forest as the calling thread (workers loaded from TypeScript sources)', async () => {
    const { x, y, labels } = synthetic(300, 6);
    const options = { trees: 7, maxDepth: 8, seed: 11 };
    const regressor = await fitRandomForestRegressorWith(pool.grow, x, y, options);
    expect(serializeModel(regressor)).toBe(serializeModel(fitRandomForestRegressor(x, y, options)));
    const classifier = await fitRandomForestClassifierWith(pool.grow, x, labels, options);
    expect(serializeModel(classifier)).toBe(serializeModel(fitRandomForestClassifier(x, labels, options)));
  });

  it('report a failing task instead of hanging', async () => {
    const { x } = synthetic(10, 1);
    await expect(
      pool.grow({
        classes: 0,
        maxDepth: 3,
        maxFeatures: 1,
        minSamplesLeaf: 1,
        minSamplesSplit: 2,
        bootstrap: true,
        maxSamples: Number.POSITIVE_INFINITY,
        rows: 0,
        cols: x.cols,
        data: x.data,
        target: new Float64Array(0),
        seeds: Uint32Array.from([1, 2]),
      }),
    ).rejects.toThrow(/no samples/);
  });
});
