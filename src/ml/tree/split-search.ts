import type { Histograms } from './histogram.js';
import { FEATURE_THRESHOLD } from './types.js';
import type { BestSplit, NodeStats, Workspace } from './workspace.js';

/**
 * Split search: each function looks at one feature of one node and improves `best` when it finds
 * a split with a higher impurity-decrease proxy. They return false when the feature is constant in
 * the node, so the caller can skip it below.
 */
/**
 * Scikit-learn's proxy of a split's impurity decrease: Σ_side sum²/weight for squared error; for two
 * classes "sum" is the weight of class 1 and the proxy is Σ_side Σ_class weight²/weight (Gini).
 */
export function proxyOf(classes: number, wl: number, sl: number, wr: number, sr: number): number {
  if (classes === 0) return (sl * sl) / wl + (sr * sr) / wr;
  const nl = wl - sl;
  const nr = wr - sr;
  return (sl * sl + nl * nl) / wl + (sr * sr + nr * nr) / wr;
}

/** Searches a sorted feature's list; false when the feature is constant in the node. */
export function searchSorted(
  ws: Workspace,
  offset: number,
  start: number,
  end: number,
  f: number,
  stats: NodeStats,
  classes: number,
  minLeaf: number,
  best: BestSplit,
): boolean {
  const { order, data, rows, weight, weightedTarget, label, classTotals, classLeft } = ws;
  const column = f * rows;
  if (data[column + order[offset + end - 1]] <= data[column + order[offset + start]] + FEATURE_THRESHOLD) {
    return false;
  }
  const totalWeight = stats.weight;
  const totalSum = stats.sum;
  let bestProxy = best.proxy;
  let bestPosition = -1;
  let bestLeftWeight = 0;
  let bestLeftSum = 0;
  let wl = 0;
  let sl = 0;
  const last = end - minLeaf;
  const multi = classes > 2;
  if (multi) classLeft.fill(0);
  let current = data[column + order[offset + start]];
  for (let k = start; k < end - 1; k++) {
    const id = order[offset + k];
    wl += weight[id];
    if (multi) classLeft[label[id]] += weight[id];
    else sl += weightedTarget[id];
    const next = data[column + order[offset + k + 1]];
    const tied = next <= current + FEATURE_THRESHOLD;
    current = next;
    if (tied || k + 1 - start < minLeaf || k + 1 > last) continue;
    const wr = totalWeight - wl;
    // The proxy is left/wl + right/wr; compared cross-multiplied, most positions need no division.
    let left: number;
    let right: number;
    if (multi) {
      left = 0;
      right = 0;
      for (let c = 0; c < classes; c++) {
        const cl = classLeft[c];
        const cr = classTotals[c] - cl;
        left += cl * cl;
        right += cr * cr;
      }
    } else {
      const sr = totalSum - sl;
      left = sl * sl;
      right = sr * sr;
      if (classes === 2) {
        left += (wl - sl) * (wl - sl);
        right += (wr - sr) * (wr - sr);
      }
    }
    const denominator = wl * wr;
    if (left * wr + right * wl > bestProxy * denominator) {
      bestProxy = (left * wr + right * wl) / denominator;
      bestPosition = k;
      bestLeftWeight = wl;
      bestLeftSum = sl;
    }
  }
  if (bestPosition >= 0) {
    best.proxy = bestProxy;
    best.leftWeight = bestLeftWeight;
    best.leftSum = bestLeftSum;
    best.feature = f;
    best.position = bestPosition;
    best.low = data[column + order[offset + bestPosition]];
    best.high = data[column + order[offset + bestPosition + 1]];
  }
  return true;
}

/**
 * Accumulates the node's samples per distinct value of a histogram feature; returns how many
 * values occur, listed in `touched` in order of first appearance.
 */
function fillHistogram(ws: Workspace, start: number, end: number, f: number, classes: number): number {
  const { order, rows, weight, weightedTarget, label, binWeight, binSum, binCount, binClass, touched } = ws;
  const codes = ws.index.codes;
  const column = f * rows;
  let used = 0;
  if (classes > 2) {
    for (let k = start; k < end; k++) {
      const id = order[k];
      const bin = codes[column + id];
      if (binCount[bin] === 0) touched[used++] = bin;
      binCount[bin]++;
      binWeight[bin] += weight[id];
      binClass[bin * classes + label[id]] += weight[id];
    }
    return used;
  }
  for (let k = start; k < end; k++) {
    const id = order[k];
    const bin = codes[column + id];
    if (binCount[bin] === 0) touched[used++] = bin;
    binCount[bin]++;
    binWeight[bin] += weight[id];
    binSum[bin] += weightedTarget[id];
  }
  return used;
}

/**
 * A two-valued feature (a flag) has one candidate split. Its upper value's totals are summed in
 * registers, without a histogram, and the lower value's follow from the node's totals.
 */
export function searchFlag(
  ws: Workspace,
  start: number,
  end: number,
  f: number,
  stats: NodeStats,
  classes: number,
  minLeaf: number,
  best: BestSplit,
): boolean {
  const { order, rows, weight, weightedTarget } = ws;
  const codes = ws.index.codes;
  const column = f * rows;
  let upperWeight = 0;
  let upperSum = 0;
  let upperCount = 0;
  for (let k = start; k < end; k++) {
    const id = order[k];
    const code = codes[column + id];
    upperCount += code;
    upperWeight += code * weight[id];
    upperSum += code * weightedTarget[id];
  }
  const count = end - start;
  if (upperCount === 0 || upperCount === count) return false;
  const values = ws.index.distinct[f];
  if (values[1] <= values[0] + FEATURE_THRESHOLD || upperCount < minLeaf || count - upperCount < minLeaf)
    return true;
  const lowerWeight = stats.weight - upperWeight;
  const proxy = proxyOf(classes, lowerWeight, stats.sum - upperSum, upperWeight, upperSum);
  if (proxy > best.proxy) {
    best.proxy = proxy;
    best.leftWeight = lowerWeight;
    best.leftSum = stats.sum - upperSum;
    best.feature = f;
    best.position = 0;
    best.low = values[0];
    best.high = values[1];
  }
  return true;
}

/** Insertion sort of values[0, length): the few distinct values of a small node, without allocating. */
function sortSmall(values: Int32Array, length: number): void {
  for (let i = 1; i < length; i++) {
    const value = values[i];
    let j = i - 1;
    while (j >= 0 && values[j] > value) {
      values[j + 1] = values[j];
      j--;
    }
    values[j + 1] = value;
  }
}

function clearHistogram(ws: Workspace, used: number, classes: number): void {
  const { binWeight, binSum, binCount, binClass, touched } = ws;
  for (let t = 0; t < used; t++) {
    const bin = touched[t];
    binCount[bin] = 0;
    binWeight[bin] = 0;
    binSum[bin] = 0;
    if (classes > 2) binClass.fill(0, bin * classes, (bin + 1) * classes);
  }
}

/** Searches a histogram feature for squared error or two-class Gini; false when constant in the node. */
export function searchHistogram(
  ws: Workspace,
  start: number,
  end: number,
  f: number,
  stats: NodeStats,
  classes: number,
  minLeaf: number,
  best: BestSplit,
): boolean {
  const used = fillHistogram(ws, start, end, f, classes);
  if (used <= 1) {
    clearHistogram(ws, used, classes);
    return false;
  }
  const { binWeight, binSum, binCount, touched } = ws;
  const values = ws.index.distinct[f];
  const bins = values.length;
  // Few distinct values in a small node: sort the few that occur instead of walking every value.
  const sparse = used * 8 < bins;
  if (sparse) sortSmall(touched, used);
  const steps = sparse ? used : bins;
  const count = end - start;
  const totalWeight = stats.weight;
  const totalSum = stats.sum;
  let bestProxy = best.proxy;
  let bestBin = -1;
  let bestNext = -1;
  let bestLeftWeight = 0;
  let bestLeftSum = 0;
  let wl = 0;
  let sl = 0;
  let nl = 0;
  let previous = -1;
  for (let s = 0; s < steps; s++) {
    const bin = sparse ? touched[s] : s;
    if (binCount[bin] === 0) continue;
    if (
      previous >= 0 &&
      values[bin] > values[previous] + FEATURE_THRESHOLD &&
      nl >= minLeaf &&
      count - nl >= minLeaf
    ) {
      const proxy = proxyOf(classes, wl, sl, totalWeight - wl, totalSum - sl);
      if (proxy > bestProxy) {
        bestProxy = proxy;
        bestBin = previous;
        bestLeftWeight = wl;
        bestLeftSum = sl;
        bestNext = bin;
      }
    }
    wl += binWeight[bin];
    sl += binSum[bin];
    nl += binCount[bin];
    previous = bin;
  }
  clearHistogram(ws, used, classes);
  if (bestBin >= 0) {
    best.proxy = bestProxy;
    best.leftWeight = bestLeftWeight;
    best.leftSum = bestLeftSum;
    best.feature = f;
    best.position = bestBin;
    best.low = values[bestBin];
    best.high = values[bestNext];
  }
  return true;
}

/** Searches a histogram feature for Gini over more than two classes. */
export function searchHistogramClasses(
  ws: Workspace,
  start: number,
  end: number,
  f: number,
  stats: NodeStats,
  classes: number,
  minLeaf: number,
  best: BestSplit,
): boolean {
  const used = fillHistogram(ws, start, end, f, classes);
  if (used <= 1) {
    clearHistogram(ws, used, classes);
    return false;
  }
  const { binWeight, binCount, binClass, touched, classTotals, classLeft } = ws;
  const values = ws.index.distinct[f];
  sortSmall(touched, used);
  const count = end - start;
  const totalWeight = stats.weight;
  let bestProxy = best.proxy;
  let bestBin = -1;
  let bestNext = -1;
  let wl = 0;
  let nl = 0;
  let previous = -1;
  classLeft.fill(0);
  for (let s = 0; s < used; s++) {
    const bin = touched[s];
    if (
      previous >= 0 &&
      values[bin] > values[previous] + FEATURE_THRESHOLD &&
      nl >= minLeaf &&
      count - nl >= minLeaf
    ) {
      const wr = totalWeight - wl;
      let left = 0;
      let right = 0;
      for (let c = 0; c < classes; c++) {
        const cl = classLeft[c];
        const cr = classTotals[c] - cl;
        left += cl * cl;
        right += cr * cr;
      }
      const proxy = left / wl + right / wr;
      if (proxy > bestProxy) {
        bestProxy = proxy;
        bestBin = previous;
        bestNext = bin;
      }
    }
    wl += binWeight[bin];
    nl += binCount[bin];
    for (let c = 0; c < classes; c++) classLeft[c] += binClass[bin * classes + c];
    previous = bin;
  }
  clearHistogram(ws, used, classes);
  if (bestBin >= 0) {
    best.proxy = bestProxy;
    best.feature = f;
    best.position = bestBin;
    best.low = values[bestBin];
    best.high = values[bestNext];
  }
  return true;
}

/** Searches a histogram feature from a node's slot; false when constant in the node. */
export function searchSlot(
  ws: Workspace,
  h: Histograms,
  slot: number,
  f: number,
  stats: NodeStats,
  classes: number,
  minLeaf: number,
  best: BestSplit,
): boolean {
  const values = ws.index.distinct[f];
  const at = slot * h.width + h.offset[f];
  const { weight, sum, count } = h;
  const total = stats.count;
  let bestProxy = best.proxy;
  let bestBin = -1;
  let bestNext = -1;
  let bestLeftWeight = 0;
  let bestLeftSum = 0;
  let wl = 0;
  let sl = 0;
  let nl = 0;
  let previous = -1;
  let occupied = 0;
  const checked = h.leafSizes !== 'none';
  const sizes = h.leafSizes === 'counts' ? count : weight;
  for (let bin = 0; bin < values.length; bin++) {
    if (weight[at + bin] === 0) continue;
    occupied++;
    if (
      previous >= 0 &&
      values[bin] > values[previous] + FEATURE_THRESHOLD &&
      (!checked || (nl >= minLeaf && total - nl >= minLeaf))
    ) {
      const proxy = proxyOf(classes, wl, sl, stats.weight - wl, stats.sum - sl);
      if (proxy > bestProxy) {
        bestProxy = proxy;
        bestBin = previous;
        bestLeftWeight = wl;
        bestLeftSum = sl;
        bestNext = bin;
      }
    }
    wl += weight[at + bin];
    sl += sum[at + bin];
    if (checked) nl += sizes[at + bin];
    previous = bin;
  }
  if (occupied <= 1) return false;
  if (bestBin >= 0) {
    best.proxy = bestProxy;
    best.leftWeight = bestLeftWeight;
    best.leftSum = bestLeftSum;
    best.feature = f;
    best.position = bestBin;
    best.low = values[bestBin];
    best.high = values[bestNext];
  }
  return true;
}
