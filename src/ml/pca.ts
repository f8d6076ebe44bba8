import { Matrix as DenseMatrix, EigenvalueDecomposition } from 'ml-matrix';
import { createMatrix, type Matrix } from './matrix.js';

/** Principal components: components are row-major, components × features. */
export interface PcaModel {
  readonly kind: 'pca';
  readonly mean: number[];
  readonly components: number[][];
  readonly explainedVariance: number[];
  /** Share of the total variance each component explains. */
  readonly explainedVarianceRatio: number[];
}

/**
 * PCA through the eigen-decomposition of the p×p covariance matrix (cheap for few features and
 * many films). Each component's sign is fixed so that its largest loading is positive, as
 * scikit-learn does, so the plot does not mirror from one run to the next.
 */
export function fitPca(features: Matrix, components = 2): PcaModel {
  const { rows: n, cols: p, data } = features;
  if (n < 2) throw new RangeError('PCA needs at least two samples');
  const count = Math.min(components, p, n);
  const mean = new Array<number>(p).fill(0);
  for (let j = 0; j < p; j++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += data[j * n + i];
    mean[j] = sum / n;
  }
  const covariance = new DenseMatrix(p, p);
  for (let a = 0; a < p; a++) {
    for (let b = a; b < p; b++) {
      let sum = 0;
      const ma = mean[a];
      const mb = mean[b];
      for (let i = 0; i < n; i++) sum += (data[a * n + i] - ma) * (data[b * n + i] - mb);
      covariance.set(a, b, sum / (n - 1));
      covariance.set(b, a, sum / (n - 1));
    }
  }
  const eigen = new EigenvalueDecomposition(covariance, { assumeSymmetric: true });
  const values = eigen.realEigenvalues.map((value) => Math.max(value, 0));
  const vectors = eigen.eigenvectorMatrix;
  const order = values.map((_, index) => index).sort((a, b) => values[b] - values[a]);
  const total = values.reduce((a, b) => a + b, 0);
  const chosen = order.slice(0, count);
  const componentRows = chosen.map((index) => {
    const row = vectors.getColumn(index);
    let largest = 0;
    for (let j = 1; j < p; j++) if (Math.abs(row[j]) > Math.abs(row[largest])) largest = j;
    const sign = row[largest] < 0 ? -1 : 1;
    return row.map((value) => value * sign);
  });
  return {
    kind: 'pca',
    mean,
    components: componentRows,
    explainedVariance: chosen.map((index) => values[index]),
    explainedVarianceRatio: chosen.map((index) => (total > 0 ? values[index] / total : 0)),
  };
}

/** Coordinates of each row on the components: rows × components, column-major. */
export function transformPca(model: PcaModel, features: Matrix): Matrix {
  const { rows: n, cols: p, data } = features;
  if (p !== model.mean.length) throw new RangeError(`PCA expects ${model.mean.length} features, got ${p}`);
  const count = model.components.length;
  const out = new Float64Array(n * count);
  for (let c = 0; c < count; c++) {
    const component = model.components[c];
    for (let j = 0; j < p; j++) {
      const loading = component[j];
      const mu = model.mean[j];
      for (let i = 0; i < n; i++) out[c * n + i] += (data[j * n + i] - mu) * loading;
    }
  }
  return createMatrix(n, count, out);
}
