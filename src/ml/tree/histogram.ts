import { type FeatureIndex, MAX_HISTOGRAM_VALUES } from './feature-index.js';
import type { Workspace } from './workspace.js';

/**
 * Histograms of whole nodes, for searches that look at most features at every node (regression).
 * A split passes over its smaller child only; the larger child's histogram is the parent's minus
 * the smaller one's, so each level costs at most half a pass over the samples (LightGBM's trick,
 * here over exact per-value bins). Small nodes fall back to per-feature passes over their samples.
 */
export interface Histograms {
  readonly weight: Float64Array;
  readonly sum: Float64Array;
  readonly count: Int32Array;
  /**
   * How a split search checks the minimum leaf size: 'none' when it is 1 (every occupied bin holds a
   * sample); 'weights' when every sample weighs 1 (no bootstrap), so a bin's weight is its sample
   * count; otherwise 'counts', kept beside the weights in `count`.
   */
  readonly leafSizes: LeafSizes;
  /** Bins of all histogram features, laid end to end: feature f starts at offset[f]. */
  readonly offset: Int32Array;
  readonly width: number;
  readonly free: Int32Array;
  available: number;
  /** The histogram features with two values (flags). */
  readonly flags: Int32Array;
  readonly laneWeight: Float64Array;
  readonly laneSum: Float64Array;
  readonly laneCount: Int32Array;
}

export type LeafSizes = 'none' | 'weights' | 'counts';

export function createHistograms(index: FeatureIndex, slots: number, leafSizes: LeafSizes): Histograms {
  const offset = new Int32Array(index.distinct.length);
  let width = 0;
  index.distinct.forEach((values, f) => {
    offset[f] = width;
    width += values.length;
  });
  const h: Histograms = {
    weight: new Float64Array(slots * width),
    sum: new Float64Array(slots * width),
    count: new Int32Array(slots * width),
    leafSizes,
    offset,
    width,
    free: new Int32Array(slots),
    available: 0,
    flags: Int32Array.from(index.distinct.flatMap((values, f) => (values.length === 2 ? [f] : []))),
    laneWeight: new Float64Array(4 * MAX_HISTOGRAM_VALUES),
    laneSum: new Float64Array(4 * MAX_HISTOGRAM_VALUES),
    laneCount: new Int32Array(4 * MAX_HISTOGRAM_VALUES),
  };
  freeAllSlots(h);
  return h;
}

/** Frees every slot, as a tree starts: a workspace grows many trees. */
export function freeAllSlots(h: Histograms): void {
  h.available = h.free.length;
  for (let s = 0; s < h.free.length; s++) h.free[s] = h.free.length - 1 - s;
}

export function takeSlot(h: Histograms): number {
  return h.available > 0 ? h.free[--h.available] : -1;
}

export function releaseSlot(h: Histograms, slot: number): void {
  if (slot >= 0) h.free[h.available++] = slot;
}

/** Fills a slot from the samples order[start, end) for every histogram feature. */
export function fillSlot(ws: Workspace, h: Histograms, slot: number, start: number, end: number): void {
  const { order, rows, weight, weightedTarget } = ws;
  const codes = ws.index.codes;
  const base = slot * h.width;
  h.weight.fill(0, base, base + h.width);
  h.sum.fill(0, base, base + h.width);
  h.count.fill(0, base, base + h.width);
  let totalWeight = 0;
  let totalSum = 0;
  for (let k = start; k < end; k++) {
    const id = order[k];
    totalWeight += weight[id];
    totalSum += weightedTarget[id];
  }
  const distinct = ws.index.distinct;
  // Flags: each has one value to sum (the other is the rest), in registers rather than memory
  // cells added to over and over; two flags share a pass over the samples.
  const flags = h.flags;
  for (let g = 0; g < flags.length; g += 2) {
    const first = flags[g];
    const second = g + 1 < flags.length ? flags[g + 1] : -1;
    const columnA = first * rows;
    const columnB = (second < 0 ? first : second) * rows;
    let countA = 0;
    let weightA = 0;
    let sumA = 0;
    let countB = 0;
    let weightB = 0;
    let sumB = 0;
    for (let k = start; k < end; k++) {
      const id = order[k];
      const w = weight[id];
      const wy = weightedTarget[id];
      const a = codes[columnA + id];
      const b = codes[columnB + id];
      countA += a;
      weightA += a * w;
      sumA += a * wy;
      countB += b;
      weightB += b * w;
      sumB += b * wy;
    }
    writeFlag(h, base + h.offset[first], end - start, totalWeight, totalSum, countA, weightA, sumA);
    if (second >= 0)
      writeFlag(h, base + h.offset[second], end - start, totalWeight, totalSum, countB, weightB, sumB);
  }
  for (let f = 0; f < distinct.length; f++) {
    const bins = distinct[f].length;
    if (bins <= 2) continue;
    const column = f * rows;
    const at = base + h.offset[f];
    // Neighbouring samples often share a value; four interleaved copies of the histogram keep
    // their additions from waiting on one another.
    const { laneWeight, laneSum, laneCount } = h;
    laneWeight.fill(0, 0, 4 * bins);
    laneSum.fill(0, 0, 4 * bins);
    laneCount.fill(0, 0, 4 * bins);
    if (h.leafSizes === 'counts') {
      for (let k = start; k < end; k++) laneCount[4 * codes[column + order[k]] + (k & 3)]++;
    }
    for (let k = start; k < end; k++) {
      const id = order[k];
      const bin = 4 * codes[column + id] + (k & 3);
      laneWeight[bin] += weight[id];
      laneSum[bin] += weightedTarget[id];
    }
    for (let b = 0; b < bins; b++) {
      const lane = 4 * b;
      h.count[at + b] = laneCount[lane] + laneCount[lane + 1] + laneCount[lane + 2] + laneCount[lane + 3];
      h.weight[at + b] =
        laneWeight[lane] + laneWeight[lane + 1] + laneWeight[lane + 2] + laneWeight[lane + 3];
      h.sum[at + b] = laneSum[lane] + laneSum[lane + 1] + laneSum[lane + 2] + laneSum[lane + 3];
    }
  }
}

function writeFlag(
  h: Histograms,
  at: number,
  count: number,
  totalWeight: number,
  totalSum: number,
  upperCount: number,
  upperWeight: number,
  upperSum: number,
): void {
  h.count[at] = count - upperCount;
  h.weight[at] = totalWeight - upperWeight;
  h.sum[at] = totalSum - upperSum;
  h.count[at + 1] = upperCount;
  h.weight[at + 1] = upperWeight;
  h.sum[at + 1] = upperSum;
}

/** slot `from` -= slot `part`. */
export function subtractSlot(h: Histograms, from: number, part: number): void {
  const a = from * h.width;
  const b = part * h.width;
  for (let k = 0; k < h.width; k++) {
    h.weight[a + k] -= h.weight[b + k];
    h.sum[a + k] -= h.sum[b + k];
  }
  if (h.leafSizes === 'counts') for (let k = 0; k < h.width; k++) h.count[a + k] -= h.count[b + k];
}
