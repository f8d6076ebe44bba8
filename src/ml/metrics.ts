/** Regression and classification scores, defined as in scikit-learn. */

function checkLengths(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new RangeError(`lengths differ: ${a.length} and ${b.length}`);
  if (a.length === 0) throw new RangeError('cannot score an empty set');
}

export function meanAbsoluteError(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  checkLengths(actual, predicted);
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += Math.abs(actual[i] - predicted[i]);
  return sum / actual.length;
}

/**
 * Coefficient of determination. A constant target scores 1 when predicted exactly and 0 otherwise,
 * which is scikit-learn's convention instead of dividing by zero.
 */
export function r2Score(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  checkLengths(actual, predicted);
  let mean = 0;
  for (let i = 0; i < actual.length; i++) mean += actual[i];
  mean /= actual.length;
  let residual = 0;
  let total = 0;
  for (let i = 0; i < actual.length; i++) {
    residual += (actual[i] - predicted[i]) ** 2;
    total += (actual[i] - mean) ** 2;
  }
  if (total === 0) return residual === 0 ? 1 : 0;
  return 1 - residual / total;
}

export function accuracy(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  checkLengths(actual, predicted);
  let hits = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i] === predicted[i]) hits++;
  return hits / actual.length;
}

/** counts[t][p]: samples of true class t predicted as p, for classes 0..classes-1. */
export function confusionMatrix(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  classes = 2,
): number[][] {
  checkLengths(actual, predicted);
  const counts = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < actual.length; i++) counts[actual[i]][predicted[i]]++;
  return counts;
}

export interface RocCurve {
  readonly fpr: number[];
  readonly tpr: number[];
  /** Score at or above which a sample counts as positive; the first is +Infinity (nothing positive). */
  readonly thresholds: number[];
}

/**
 * Receiver operating characteristic of scores for the positive class (label 1). Points on a straight
 * segment between two others are dropped, as scikit-learn's drop_intermediate does, so the curve
 * stays small enough to plot without losing its shape.
 */
export function rocCurve(actual: ArrayLike<number>, scores: ArrayLike<number>): RocCurve {
  checkLengths(actual, scores);
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const fps: number[] = [0];
  const tps: number[] = [0];
  const thresholds: number[] = [Number.POSITIVE_INFINITY];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    if (actual[order[k]] === 1) tp++;
    else fp++;
    if (k === order.length - 1 || scores[order[k + 1]] !== scores[order[k]]) {
      fps.push(fp);
      tps.push(tp);
      thresholds.push(scores[order[k]]);
    }
  }
  const keep: number[] = [0];
  for (let i = 1; i < fps.length - 1; i++) {
    const collinear =
      (fps[i] - fps[i - 1]) * (tps[i + 1] - tps[i]) === (tps[i] - tps[i - 1]) * (fps[i + 1] - fps[i]);
    if (!collinear) keep.push(i);
  }
  if (fps.length > 1) keep.push(fps.length - 1);
  return {
    fpr: keep.map((i) => (fp > 0 ? fps[i] / fp : Number.NaN)),
    tpr: keep.map((i) => (tp > 0 ? tps[i] / tp : Number.NaN)),
    thresholds: keep.map((i) => thresholds[i]),
  };
}

/** Area under a curve by the trapezoidal rule; x must be monotonic. */
export function trapezoidArea(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
  return area;
}

/** Area under the ROC curve; needs both classes among the actual labels. */
export function rocAucScore(actual: ArrayLike<number>, scores: ArrayLike<number>): number {
  let positives = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i] === 1) positives++;
  if (positives === 0 || positives === actual.length) {
    throw new RangeError('ROC AUC is undefined when only one class is present');
  }
  const curve = rocCurve(actual, scores);
  return trapezoidArea(curve.fpr, curve.tpr);
}

export interface MeanStd {
  readonly mean: number;
  readonly std: number;
}

/** Mean and population standard deviation, as numpy's mean and std report cross-validation folds. */
export function meanStd(values: ArrayLike<number>): MeanStd {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i];
  mean /= values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(squares / values.length) };
}
