import { describe, expect, it } from 'vitest';
import { fitKMeans, predictKMeans } from '../../src/ml/kmeans.js';
import { column, matrixFromRows } from '../../src/ml/matrix.js';
import { fitPca, transformPca } from '../../src/ml/pca.js';
import { createRandom } from '../../src/ml/random.js';
import { deserializeModel, serializeModel } from './model-text.js';

function blobs(seed: number) {
  const random = createRandom(seed);
  const centres = [
    [0, 0, 0],
    [10, 10, 0],
    [-10, 10, 5],
  ];
  const rows: number[][] = [];
  const truth: number[] = [];
  for (let i = 0; i < 150; i++) {
    const c = i % 3;
    rows.push(centres[c].map((v) => v + random.next() - 0.5));
    truth.push(c);
  }
  return { x: matrixFromRows(rows), truth };
}

describe('k-means', () => {
  it('finds well-separated blobs', () => {
    const { x, truth } = blobs(1);
    const { model, labels } = fitKMeans(x, { k: 3, nInit: 5 }, createRandom(42));
    // Same cluster ⇔ same blob, whatever the cluster numbers.
    for (let i = 0; i < truth.length; i++) {
      for (let j = i + 1; j < truth.length; j += 7) {
        expect(labels[i] === labels[j]).toBe(truth[i] === truth[j]);
      }
    }
    expect(model.inertia).toBeLessThan(150 * 0.5);
    expect(Array.from(predictKMeans(model, x))).toEqual(Array.from(labels));
  });

  it('computes the inertia of a hand-made case', () => {
    const x = matrixFromRows([[0], [2], [10], [12]]);
    const { model } = fitKMeans(x, { k: 2, nInit: 3 }, createRandom(1));
    expect(model.centers.map((c) => c[0]).sort((a, b) => a - b)).toEqual([1, 11]);
    expect(model.inertia).toBe(4);
  });

  it('same seed → same clustering', () => {
    const { x } = blobs(2);
    const a = fitKMeans(x, { k: 4, nInit: 3 }, createRandom(7));
    const b = fitKMeans(x, { k: 4, nInit: 3 }, createRandom(7));
    expect(b.model).toEqual(a.model);
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
    expect(deserializeModel(serializeModel(a.model))).toEqual(a.model);
  });

  it('refuses more clusters than samples', () => {
    expect(() => fitKMeans(matrixFromRows([[1], [2]]), { k: 3 }, createRandom(1))).toThrow();
  });
});

describe('PCA', () => {
  it('explains 100% of rank-2 data with two components', () => {
    const random = createRandom(3);
    const rows = Array.from({ length: 60 }, () => {
      const a = random.next();
      const b = random.next();
      return [a, b, a + b, 2 * a - b, 3];
    });
    const model = fitPca(matrixFromRows(rows), 2);
    expect(model.explainedVarianceRatio[0] + model.explainedVarianceRatio[1]).toBeCloseTo(1, 10);
    expect(model.explainedVarianceRatio[0]).toBeGreaterThanOrEqual(model.explainedVarianceRatio[1]);
  });

  it('finds the diagonal of points on a line, with a positive largest loading', () => {
    const x = matrixFromRows([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    const model = fitPca(x, 2);
    expect(model.components[0][0]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(model.components[0][1]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(model.explainedVarianceRatio[0]).toBeCloseTo(1, 12);
    const scores = column(transformPca(model, x), 0);
    expect(scores[0]).toBeCloseTo(-Math.SQRT2, 12);
    expect(scores[2]).toBeCloseTo(Math.SQRT2, 12);
  });

  it('does not flip sign when the data are mirrored in sample order', () => {
    const random = createRandom(5);
    const rows = Array.from({ length: 40 }, () => [random.next(), 2 * random.next(), random.next()]);
    const a = fitPca(matrixFromRows(rows));
    const b = fitPca(matrixFromRows([...rows].reverse()));
    for (let c = 0; c < 2; c++) {
      for (let j = 0; j < 3; j++) expect(b.components[c][j]).toBeCloseTo(a.components[c][j], 10);
    }
  });
});
