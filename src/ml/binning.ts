import type { Matrix } from './matrix.js';

/**
 * Quantile binning of features for histogram-based boosting: each feature's values map to at most
 * 255 bins (a byte per value). Bin b of a feature holds the values x with edges[b - 1] < x ≤ edges[b],
 * so "bin ≤ b" and "x ≤ edges[b]" are the same test and a split found on bins is a threshold on values.
 */

/** At most this many bins per feature, so a bin number fits in a byte. */
export const MAX_BINS = 255;

/** Per feature, the ascending upper edges of every bin but the last. */
export type BinEdges = number[][];

/**
 * Edges from the training values: with few distinct values, one bin per value (edges half-way
 * between neighbours); otherwise bins of about equal sample counts, edges half-way between values.
 */
export function fitBinEdges(features: Matrix, maxBins = MAX_BINS): BinEdges {
  if (!Number.isInteger(maxBins) || maxBins < 2 || maxBins > MAX_BINS) {
    throw new RangeError(`maxBins must be an integer in [2, ${MAX_BINS}]`);
  }
  const { rows, cols, data } = features;
  const edges: BinEdges = [];
  for (let j = 0; j < cols; j++) {
    const sorted = data.slice(j * rows, (j + 1) * rows).sort();
    const distinct = sorted.filter((value, i) => i === 0 || value !== sorted[i - 1]);
    const cuts: number[] = [];
    if (distinct.length <= maxBins) {
      for (let k = 1; k < distinct.length; k++) cuts.push((distinct[k - 1] + distinct[k]) / 2);
    } else {
      equalFrequencyCuts(sorted, distinct, maxBins, cuts);
    }
    edges.push(cuts);
  }
  return edges;
}

/**
 * Cuts between distinct values so that bins hold about equally many samples: each bin closes once
 * it holds its share of what is left, so a value repeated across several quantiles takes one bin and
 * leaves the others to the rest (rather than losing them).
 */
function equalFrequencyCuts(
  sorted: Float64Array,
  distinct: Float64Array,
  maxBins: number,
  cuts: number[],
): void {
  let position = 0;
  let inBin = 0;
  for (let k = 0; k < distinct.length - 1 && cuts.length < maxBins - 1; k++) {
    let count = 0;
    while (position < sorted.length && sorted[position] === distinct[k]) {
      position++;
      count++;
    }
    inBin += count;
    const share = (sorted.length - position + inBin) / (maxBins - cuts.length);
    if (inBin >= share) {
      cuts.push((distinct[k] + distinct[k + 1]) / 2);
      inBin = 0;
    }
  }
}

/** The bin of a value: how many edges lie below it. */
export function binOf(cuts: readonly number[], value: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cuts[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Bin numbers of every value, column-major like the features. */
export function binFeatures(features: Matrix, edges: BinEdges): Uint8Array {
  const { rows, cols, data } = features;
  if (edges.length !== cols) throw new RangeError(`expected ${edges.length} features, got ${cols}`);
  const codes = new Uint8Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    const cuts = edges[j];
    for (let i = 0; i < rows; i++) codes[j * rows + i] = binOf(cuts, data[j * rows + i]);
  }
  return codes;
}
