import { Matrix as DenseMatrix, SingularValueDecomposition } from 'ml-matrix';
import type { Matrix } from './matrix.js';

/** Fitted ordinary least squares: prediction = intercept + Σ coefficients[j] · x[j]. */
export interface LinearModel {
  readonly kind: 'linear-regression';
  readonly coefficients: number[];
  readonly intercept: number;
  /** Numerical rank of the centred features; below the feature count when columns are collinear. */
  readonly rank: number;
}

/**
 * Least squares with an intercept, like scikit-learn's LinearRegression: features and target are
 * centred, then the minimum-norm solution is taken, so constant and collinear columns get a
 * well-defined (smallest) set of coefficients instead of a singular system.
 *
 * The centred system is first reduced by a Householder QR (one pass over the column-major data,
 * O(n·p²)) and the small p×p triangle is solved through its SVD with a relative cut-off on the
 * singular values; the singular values of R are those of the features, so this is the
 * pseudo-inverse without ever forming XᵀX.
 */
export function fitLinearRegression(features: Matrix, target: Float64Array): LinearModel {
  const { rows: n, cols: p, data } = features;
  if (target.length !== n) throw new RangeError(`target has ${target.length} values, features ${n} rows`);
  if (n === 0) throw new RangeError('cannot fit a linear regression on no samples');
  const xMean = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += data[j * n + i];
    xMean[j] = sum / n;
  }
  let yMean = 0;
  for (let i = 0; i < n; i++) yMean += target[i];
  yMean /= n;

  // Work on [X - mean | y - mean] so that the reflections are applied to y in the same sweep.
  const a = new Float64Array(n * (p + 1));
  for (let j = 0; j < p; j++) {
    for (let i = 0; i < n; i++) a[j * n + i] = data[j * n + i] - xMean[j];
  }
  for (let i = 0; i < n; i++) a[p * n + i] = target[i] - yMean;

  const steps = Math.min(n, p);
  const r = householderTriangle(a, n, p, steps);
  const qty = r.qty;
  const triangle = new DenseMatrix(steps, p);
  for (let i = 0; i < steps; i++) {
    for (let j = i; j < p; j++) triangle.set(i, j, r.values[j * steps + i]);
  }
  const svd = new SingularValueDecomposition(triangle, { autoTranspose: true });
  const singular = svd.diagonal;
  const largest = singular.reduce((m, s) => Math.max(m, s), 0);
  // numpy.linalg.lstsq's default cut-off: singular values below ε·max(n, p)·σmax count as zero.
  const cutoff = largest * Number.EPSILON * Math.max(n, p);
  const u = svd.leftSingularVectors;
  const v = svd.rightSingularVectors;
  const coefficients = new Array<number>(p).fill(0);
  let rank = 0;
  for (let k = 0; k < singular.length; k++) {
    if (!(singular[k] > cutoff)) continue;
    rank++;
    let projection = 0;
    for (let i = 0; i < steps; i++) projection += u.get(i, k) * qty[i];
    const scale = projection / singular[k];
    for (let j = 0; j < p; j++) coefficients[j] += v.get(j, k) * scale;
  }
  let intercept = yMean;
  for (let j = 0; j < p; j++) intercept -= coefficients[j] * xMean[j];
  return { kind: 'linear-regression', coefficients, intercept, rank };
}

/**
 * In-place Householder reduction of the first `steps` columns of the n×(p+1) column-major array
 * `a`; returns the upper triangle (steps×p, column-major) and Qᵀy (first `steps` entries).
 */
function householderTriangle(
  a: Float64Array,
  n: number,
  p: number,
  steps: number,
): { values: Float64Array; qty: Float64Array } {
  for (let k = 0; k < steps; k++) {
    const base = k * n;
    let norm = 0;
    for (let i = k; i < n; i++) norm += a[base + i] * a[base + i];
    norm = Math.sqrt(norm);
    // An all-zero column (a constant feature after centring) needs no reflection.
    if (norm === 0) continue;
    const alpha = a[base + k] > 0 ? -norm : norm;
    a[base + k] -= alpha;
    let vNorm = 0;
    for (let i = k; i < n; i++) vNorm += a[base + i] * a[base + i];
    for (let j = k + 1; j <= p; j++) {
      const other = j * n;
      let dot = 0;
      for (let i = k; i < n; i++) dot += a[base + i] * a[other + i];
      const factor = (2 * dot) / vNorm;
      for (let i = k; i < n; i++) a[other + i] -= factor * a[base + i];
    }
    a[base + k] = alpha;
    for (let i = k + 1; i < n; i++) a[base + i] = 0;
  }
  const values = new Float64Array(steps * p);
  for (let j = 0; j < p; j++) {
    for (let i = 0; i < steps && i <= j; i++) values[j * steps + i] = a[j * n + i];
  }
  return { values, qty: a.slice(p * n, p * n + steps) };
}

export function predictLinearRegression(model: LinearModel, features: Matrix): Float64Array {
  const { rows: n, cols: p, data } = features;
  if (p !== model.coefficients.length) {
    throw new RangeError(`model has ${model.coefficients.length} coefficients, features ${p} columns`);
  }
  const out = new Float64Array(n).fill(model.intercept);
  for (let j = 0; j < p; j++) {
    const c = model.coefficients[j];
    if (c === 0) continue;
    for (let i = 0; i < n; i++) out[i] += c * data[j * n + i];
  }
  return out;
}
