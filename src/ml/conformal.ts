/**
 * Split-conformal prediction intervals: residuals of predictions made without the samples'
 * own targets (held out, or out of fold) calibrate how wide an interval must be to cover the truth
 * with a chosen probability, assuming new samples are exchangeable with the calibration ones.
 */

function checkCoverage(coverage: number): void {
  if (!(coverage > 0 && coverage < 1)) throw new RangeError('coverage must be in (0, 1)');
}

/**
 * The half-width covering the truth with probability ≥ `coverage`: the ⌈(n + 1) · coverage⌉-th
 * smallest absolute residual of n. Infinite when n is too small for that coverage.
 */
export function conformalHalfWidth(residuals: ArrayLike<number>, coverage: number): number {
  checkCoverage(coverage);
  const n = residuals.length;
  const rank = Math.ceil((n + 1) * coverage);
  if (rank > n) return Number.POSITIVE_INFINITY;
  return kthSmallest(Float64Array.from(residuals, Math.abs), rank - 1);
}

/**
 * The value at position k (0-based) of `values` sorted ascending, found by selection (Hoare's
 * partitioning, middle pivot) in linear expected time rather than by sorting; it reorders `values`.
 */
function kthSmallest(values: Float64Array, k: number): number {
  let low = 0;
  let high = values.length - 1;
  while (low < high) {
    const pivot = values[(low + high) >>> 1];
    let i = low;
    let j = high;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const swap = values[i];
        values[i] = values[j];
        values[j] = swap;
        i++;
        j--;
      }
    }
    // [low, j] ≤ pivot ≤ [i, high]; between them every value equals the pivot.
    if (k <= j) high = j;
    else if (k >= i) low = i;
    else return values[k];
  }
  return values[k];
}

export interface Interval {
  readonly lower: number;
  readonly upper: number;
}

export function conformalInterval(prediction: number, halfWidth: number): Interval {
  return { lower: prediction - halfWidth, upper: prediction + halfWidth };
}

/** Residuals on the log1p scale, for targets such as popularity whose errors grow with their size. */
export function log1pResiduals(actual: ArrayLike<number>, predicted: ArrayLike<number>): Float64Array {
  if (actual.length !== predicted.length) throw new RangeError('actual and predicted lengths differ');
  return Float64Array.from(actual, (value, i) => Math.log1p(value) - Math.log1p(Math.max(predicted[i], 0)));
}

/**
 * An interval built on the log1p scale and mapped back: wider above than below, and never below 0.
 * `halfWidth` comes from conformalHalfWidth of log1pResiduals.
 */
export function log1pConformalInterval(prediction: number, halfWidth: number): Interval {
  const centre = Math.log1p(Math.max(prediction, 0));
  return { lower: Math.max(0, Math.expm1(centre - halfWidth)), upper: Math.expm1(centre + halfWidth) };
}

/** The share of actual values inside their intervals (bounds included). */
export function intervalCoverage(actual: ArrayLike<number>, intervals: readonly Interval[]): number {
  if (actual.length !== intervals.length)
    throw new RangeError('actual values and intervals differ in number');
  if (actual.length === 0) throw new RangeError('cannot measure the coverage of no intervals');
  let inside = 0;
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] >= intervals[i].lower && actual[i] <= intervals[i].upper) inside++;
  }
  return inside / actual.length;
}
