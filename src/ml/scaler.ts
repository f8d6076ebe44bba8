import type { Matrix } from './matrix.js';

/** Fitted state of a standard scaler: per-feature mean and population standard deviation. */
export interface StandardScalerModel {
  readonly kind: 'standard-scaler';
  readonly mean: number[];
  readonly scale: number[];
}

export function fitStandardScaler(features: Matrix): StandardScalerModel {
  const { rows, cols, data } = features;
  const mean: number[] = [];
  const scale: number[] = [];
  for (let j = 0; j < cols; j++) {
    const offset = j * rows;
    let sum = 0;
    for (let i = 0; i < rows; i++) sum += data[offset + i];
    const mu = rows > 0 ? sum / rows : 0;
    let squares = 0;
    for (let i = 0; i < rows; i++) {
      const d = data[offset + i] - mu;
      squares += d * d;
    }
    const sd = rows > 0 ? Math.sqrt(squares / rows) : 0;
    mean.push(mu);
    // A constant column would divide by zero; like scikit-learn, leave it centred but unscaled.
    scale.push(sd > 10 * Number.EPSILON * Math.max(1, Math.abs(mu)) ? sd : 1);
  }
  return { kind: 'standard-scaler', mean, scale };
}

export function transformStandardScaler(model: StandardScalerModel, features: Matrix): Matrix {
  const { rows, cols, data } = features;
  if (cols !== model.mean.length) {
    throw new RangeError(`scaler was fitted on ${model.mean.length} features, got ${cols}`);
  }
  const out = new Float64Array(data.length);
  for (let j = 0; j < cols; j++) {
    const offset = j * rows;
    const mu = model.mean[j];
    const sd = model.scale[j];
    for (let i = 0; i < rows; i++) out[offset + i] = (data[offset + i] - mu) / sd;
  }
  return { rows, cols, data: out };
}

/** Scales one record (row) of features, as a what-if request carries. */
export function transformStandardScalerRow(model: StandardScalerModel, row: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let j = 0; j < model.mean.length; j++) out.push((row[j] - model.mean[j]) / model.scale[j]);
  return out;
}
