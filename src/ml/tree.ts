import type { Random } from './random.js';
import { createRandom } from './random.js';

/**
 * The tree-growing kernel shared by the regressor and the classifier, and the unit of work sent to
 * worker threads: it receives plain typed arrays and returns plain typed arrays.
 */

/** Scikit-learn's FEATURE_THRESHOLD: values closer than this count as equal when looking for splits. */
const FEATURE_THRESHOLD = 1e-7;
/** Scikit-learn's EPSILON: a node this pure is not split further. */
const IMPURITY_EPSILON = Number.EPSILON;

export interface GrowSettings {
  /** 0 grows regression trees (squared error); 2 or more grows classification trees (Gini). */
  readonly classes: number;
  /** Maximum depth; the root is depth 0. Infinity for none. */
  readonly maxDepth: number;
  /** Features drawn (without replacement) at each node; constant ones do not count. */
  readonly maxFeatures: number;
  readonly minSamplesLeaf: number;
  readonly minSamplesSplit: number;
  readonly bootstrap: boolean;
}

export interface GrowTask extends GrowSettings {
  readonly rows: number;
  readonly cols: number;
  /** Column-major features, rows × cols. */
  readonly data: Float64Array;
  /** Regression target, or class label 0..classes-1 stored as a number. */
  readonly target: Float64Array;
  /** One seed per tree: tree t draws its bootstrap sample and features from seeds[t] only. */
  readonly seeds: Uint32Array;
}

/**
 * Trees in flat arrays. Node ids are per tree in depth-first order, so a split's left child is the
 * next node and only the right child is stored. For a leaf, `feature` is -1 and `child` is the
 * leaf's index into `leafValues` (per tree, `outputs` values per leaf).
 */
export interface TreeSet {
  readonly trees: number;
  /** Values per leaf: 1 for regression (the mean), `classes` for classification (probabilities). */
  readonly outputs: number;
  readonly nodeOffsets: Int32Array;
  readonly leafOffsets: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly child: Int32Array;
  readonly leafValues: Float64Array;
  /** Per tree (row-major trees × features): impurity decrease, normalised to sum 1 per tree. */
  readonly importances: Float64Array;
}

/**
 * Features with at most this many distinct values are searched through an exact per-value
 * histogram: one pass over the node's samples in any order, then a scan of the values. Every
 * boundary between two distinct values is still a candidate, so the split is the same exact split
 * as a scan of sorted samples, but no sorted list has to be kept for the feature.
 */
export const MAX_HISTOGRAM_VALUES = 256;

/** How each feature is searched, shared by every tree of a task. */
export interface FeatureIndex {
  /** Distinct values of each histogram feature, ascending; empty for sorted features. */
  readonly distinct: Float64Array[];
  /** Per histogram feature, the rank of each sample's value in `distinct` (column-major, rows × cols). */
  readonly codes: Uint16Array;
  /** Per sorted feature (more distinct values), sample ids in ascending value order; empty otherwise. */
  readonly sorted: Int32Array[];
}

/** Splits features into histogram features and sorted features, and indexes both. */
export function indexFeatures(rows: number, cols: number, data: Float64Array): FeatureIndex {
  const codes = new Uint16Array(rows * cols);
  const distinct: Float64Array[] = [];
  const sorted: Int32Array[] = [];
  const values = new Float64Array(rows);
  const rank = new Int32Array(rows);
  const seen = new Map<number, number>();
  for (let j = 0; j < cols; j++) {
    const offset = j * rows;
    // Most features are flags or months: collect their few values in a map, without sorting.
    seen.clear();
    let few = true;
    for (let i = 0; i < rows; i++) {
      const value = data[offset + i];
      if (seen.has(value)) continue;
      if (seen.size === MAX_HISTOGRAM_VALUES) {
        few = false;
        break;
      }
      seen.set(value, 0);
    }
    if (few) {
      const ascending = Float64Array.from(seen.keys()).sort();
      for (let r = 0; r < ascending.length; r++) seen.set(ascending[r], r);
      for (let i = 0; i < rows; i++) codes[offset + i] = seen.get(data[offset + i]) ?? 0;
      distinct.push(ascending);
      sorted.push(new Int32Array(0));
      continue;
    }
    values.set(data.subarray(offset, offset + rows));
    values.sort();
    let unique = 0;
    for (let i = 0; i < rows; i++) {
      if (i === 0 || values[i] !== values[unique - 1]) values[unique++] = values[i];
    }
    for (let i = 0; i < rows; i++) {
      const value = data[offset + i];
      let lo = 0;
      let hi = unique - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (values[mid] < value) lo = mid + 1;
        else hi = mid;
      }
      rank[i] = lo;
    }
    // A counting sort by rank: ascending values, ties in sample order.
    const start = new Int32Array(unique + 1);
    for (let i = 0; i < rows; i++) start[rank[i] + 1]++;
    for (let r = 0; r < unique; r++) start[r + 1] += start[r];
    const order = new Int32Array(rows);
    for (let i = 0; i < rows; i++) order[start[rank[i]]++] = i;
    distinct.push(new Float64Array(0));
    sorted.push(order);
  }
  return { distinct, codes, sorted };
}

/** Scratch space reused by every node and every tree of a batch: the split search never allocates. */
interface Workspace {
  readonly rows: number;
  readonly data: Float64Array;
  readonly index: FeatureIndex;
  /** Sample lists, `lists` of them, each m long: list 0 holds the node's samples, then one per sorted feature. */
  readonly order: Int32Array;
  /** List of each sorted feature; -1 for histogram features. */
  readonly listOf: Int32Array;
  /** Feature of each list; -1 for list 0. */
  readonly featureOf: Int32Array;
  readonly lists: number;
  readonly scratchOrder: Int32Array;
  readonly weight: Float64Array;
  readonly weightedTarget: Float64Array;
  readonly target: Float64Array;
  readonly label: Int32Array;
  readonly goesLeft: Uint8Array;
  readonly classTotals: Float64Array;
  readonly classLeft: Float64Array;
  readonly binWeight: Float64Array;
  readonly binSum: Float64Array;
  readonly binCount: Int32Array;
  /** Per bin and class (bins × classes), for more than two classes. */
  readonly binClass: Float64Array;
  readonly touched: Int32Array;
  readonly candidates: Int32Array;
  readonly stack: Int32Array;
  /** Weight and weighted target of each stacked node, as its parent's split measured them. */
  readonly stackStats: Float64Array;
  readonly constant: Uint8Array;
  readonly nodeFeature: Int32Array;
  readonly nodeThreshold: Float64Array;
  readonly nodeChild: Int32Array;
  readonly leafValues: Float64Array;
  readonly importance: Float64Array;
  /** Whole-node histograms, when most features are searched at every node. */
  readonly histograms: Histograms | undefined;
}

interface NodeStats {
  count: number;
  weight: number;
  sum: number;
  impurity: number;
}

interface BestSplit {
  feature: number;
  /** Sorted feature: last position of the left part in its list. Histogram feature: last code on the left. */
  position: number;
  proxy: number;
  /** The feature values on either side of the split: the threshold lies half-way. */
  low: number;
  high: number;
  /** Weight and weighted target (class 1's weight for two classes) of the left side. */
  leftWeight: number;
  leftSum: number;
}

/** The maximum number of nodes a tree can have given its depth limit and sample count. */
function nodeCapacity(maxDepth: number, samples: number): number {
  const bySamples = 2 * Math.max(samples, 1) - 1;
  if (!Number.isFinite(maxDepth) || maxDepth >= 30) return bySamples;
  return Math.min(bySamples, 2 ** (maxDepth + 1) - 1);
}

export function growTrees(task: GrowTask, featureIndex?: FeatureIndex): TreeSet {
  const { rows: n, cols: p, target, seeds, classes } = task;
  if (n < 1) throw new RangeError('cannot grow a tree on no samples');
  const index = featureIndex ?? indexFeatures(n, p, task.data);
  const listOf = new Int32Array(p).fill(-1);
  const featureOf = new Int32Array(p + 1).fill(-1);
  let lists = 1;
  for (let j = 0; j < p; j++) {
    if (index.sorted[j].length === 0) continue;
    featureOf[lists] = j;
    listOf[j] = lists++;
  }
  const outputs = classes === 0 ? 1 : classes;
  const capacity = nodeCapacity(task.maxDepth, n);
  const histogramFeatures = index.distinct.filter((values) => values.length > 0).length;
  // Whole-node histograms pay off when a node searches most of its features (regression's default).
  const withHistograms = classes <= 2 && histogramFeatures > 0 && task.maxFeatures * 2 >= histogramFeatures;
  const slots = 2 * (Math.min(task.maxDepth, 30) + 2);
  const ws: Workspace = {
    rows: n,
    data: task.data,
    index,
    order: new Int32Array(n * lists),
    listOf,
    featureOf,
    lists,
    scratchOrder: new Int32Array(n),
    weight: new Float64Array(n),
    weightedTarget: new Float64Array(n),
    target,
    label: new Int32Array(n),
    goesLeft: new Uint8Array(n),
    classTotals: new Float64Array(Math.max(classes, 1)),
    classLeft: new Float64Array(Math.max(classes, 1)),
    binWeight: new Float64Array(MAX_HISTOGRAM_VALUES),
    binSum: new Float64Array(MAX_HISTOGRAM_VALUES),
    binCount: new Int32Array(MAX_HISTOGRAM_VALUES),
    binClass: new Float64Array(classes > 2 ? MAX_HISTOGRAM_VALUES * classes : 0),
    touched: new Int32Array(MAX_HISTOGRAM_VALUES),
    candidates: new Int32Array(p),
    stack: new Int32Array(STACK_FIELDS * (capacity + 2)),
    stackStats: new Float64Array(2 * (capacity + 2)),
    constant: new Uint8Array(p * (Math.min(task.maxDepth, n) + 2)),
    nodeFeature: new Int32Array(capacity),
    nodeThreshold: new Float64Array(capacity),
    nodeChild: new Int32Array(capacity),
    leafValues: new Float64Array(capacity * outputs),
    importance: new Float64Array(p),
    histograms: withHistograms ? createHistograms(index, slots, task.minSamplesLeaf > 1) : undefined,
  };
  if (classes > 0) for (let i = 0; i < n; i++) ws.label[i] = target[i];

  const nodeOffsets = new Int32Array(seeds.length + 1);
  const leafOffsets = new Int32Array(seeds.length + 1);
  const importances = new Float64Array(seeds.length * p);
  const parts: Array<{
    feature: Int32Array;
    threshold: Float64Array;
    child: Int32Array;
    leaves: Float64Array;
  }> = [];
  for (let t = 0; t < seeds.length; t++) {
    const random = createRandom(seeds[t]);
    const { nodes, leaves } = growOne(task, ws, random);
    nodeOffsets[t + 1] = nodeOffsets[t] + nodes;
    leafOffsets[t + 1] = leafOffsets[t] + leaves;
    parts.push({
      feature: ws.nodeFeature.slice(0, nodes),
      threshold: ws.nodeThreshold.slice(0, nodes),
      child: ws.nodeChild.slice(0, nodes),
      leaves: ws.leafValues.slice(0, leaves * outputs),
    });
    let total = 0;
    for (let j = 0; j < p; j++) total += ws.importance[j];
    for (let j = 0; j < p; j++) importances[t * p + j] = total > 0 ? ws.importance[j] / total : 0;
  }
  const totalNodes = nodeOffsets[seeds.length];
  const feature = new Int32Array(totalNodes);
  const threshold = new Float64Array(totalNodes);
  const child = new Int32Array(totalNodes);
  const leafValues = new Float64Array(leafOffsets[seeds.length] * outputs);
  parts.forEach((part, t) => {
    feature.set(part.feature, nodeOffsets[t]);
    threshold.set(part.threshold, nodeOffsets[t]);
    child.set(part.child, nodeOffsets[t]);
    leafValues.set(part.leaves, leafOffsets[t] * outputs);
  });
  return {
    trees: seeds.length,
    outputs,
    nodeOffsets,
    leafOffsets,
    feature,
    threshold,
    child,
    leafValues,
    importances,
  };
}

const STACK_FIELDS = 5;

/**
 * Histograms of whole nodes, for searches that look at most features at every node (regression).
 * A split passes over its smaller child only; the larger child's histogram is the parent's minus
 * the smaller one's, so each level costs at most half a pass over the samples (LightGBM's trick,
 * here over exact per-value bins). Small nodes fall back to per-feature passes over their samples.
 */
interface Histograms {
  readonly weight: Float64Array;
  readonly sum: Float64Array;
  readonly count: Int32Array;
  /**
   * Whether `count` is kept for every feature. Only a minimum leaf size above 1 needs sample counts:
   * otherwise a bin is empty exactly when its weight (a whole number of bootstrap draws) is 0.
   */
  readonly counted: boolean;
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

function createHistograms(index: FeatureIndex, slots: number, counted: boolean): Histograms {
  const offset = new Int32Array(index.distinct.length);
  let width = 0;
  index.distinct.forEach((values, f) => {
    offset[f] = width;
    width += values.length;
  });
  const free = new Int32Array(slots);
  for (let s = 0; s < slots; s++) free[s] = slots - 1 - s;
  return {
    weight: new Float64Array(slots * width),
    sum: new Float64Array(slots * width),
    count: new Int32Array(slots * width),
    counted,
    offset,
    width,
    free,
    available: slots,
    flags: Int32Array.from(index.distinct.flatMap((values, f) => (values.length === 2 ? [f] : []))),
    laneWeight: new Float64Array(4 * MAX_HISTOGRAM_VALUES),
    laneSum: new Float64Array(4 * MAX_HISTOGRAM_VALUES),
    laneCount: new Int32Array(4 * MAX_HISTOGRAM_VALUES),
  };
}

function takeSlot(h: Histograms): number {
  return h.available > 0 ? h.free[--h.available] : -1;
}

function releaseSlot(h: Histograms, slot: number): void {
  if (slot >= 0) h.free[h.available++] = slot;
}

/** Fills a slot from the samples order[start, end) for every histogram feature. */
function fillSlot(ws: Workspace, h: Histograms, slot: number, start: number, end: number): void {
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
    if (h.counted) {
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
function subtractSlot(h: Histograms, from: number, part: number): void {
  const a = from * h.width;
  const b = part * h.width;
  for (let k = 0; k < h.width; k++) {
    h.weight[a + k] -= h.weight[b + k];
    h.sum[a + k] -= h.sum[b + k];
  }
  if (h.counted) for (let k = 0; k < h.width; k++) h.count[a + k] -= h.count[b + k];
}

/** Searches a histogram feature from a node's slot; false when constant in the node. */
function searchSlot(
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
  const counted = h.counted;
  for (let bin = 0; bin < values.length; bin++) {
    if (weight[at + bin] === 0) continue;
    occupied++;
    if (
      previous >= 0 &&
      values[bin] > values[previous] + FEATURE_THRESHOLD &&
      (!counted || (nl >= minLeaf && total - nl >= minLeaf))
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
    if (counted) nl += count[at + bin];
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

/** Grows one tree into the workspace's node arrays; returns how many nodes and leaves it has. */
function growOne(task: GrowTask, ws: Workspace, random: Random): { nodes: number; leaves: number } {
  const { rows: n, cols: p, classes } = task;
  const { weight, weightedTarget, target, order, constant, index, listOf, lists } = ws;
  const h = ws.histograms;

  weight.fill(0);
  if (task.bootstrap) {
    for (let i = 0; i < n; i++) weight[random.nextInt(n)] += 1;
  } else {
    weight.fill(1);
  }
  for (let i = 0; i < n; i++) weightedTarget[i] = weight[i] * target[i];

  // Keep only the drawn samples; sorted features keep their order, so no node ever sorts.
  let m = 0;
  for (let i = 0; i < n; i++) if (weight[i] > 0) order[m++] = i;
  for (let j = 0; j < p; j++) {
    const list = listOf[j];
    if (list < 0) continue;
    const sorted = index.sorted[j];
    let k = list * m;
    for (let r = 0; r < n; r++) {
      const id = sorted[r];
      if (weight[id] > 0) order[k++] = id;
    }
  }
  for (let j = 0; j < p; j++) ws.candidates[j] = j;
  ws.importance.fill(0);
  constant.fill(0, 0, p);
  // A node this large is searched from a whole-node histogram (when the task has them).
  const large = h ? Math.max(32, h.width) : Number.POSITIVE_INFINITY;
  const willSplit = (count: number, depth: number) =>
    depth < task.maxDepth && count >= task.minSamplesSplit && count >= 2 * task.minSamplesLeaf;

  const stats: NodeStats = { count: 0, weight: 0, sum: 0, impurity: 0 };
  const best: BestSplit = { feature: -1, position: -1, proxy: 0, low: 0, high: 0, leftWeight: 0, leftSum: 0 };
  const stack = ws.stack;
  let rootSlot = -1;
  if (h && m >= large && willSplit(m, 0)) {
    rootSlot = takeSlot(h);
    fillSlot(ws, h, rootSlot, 0, m);
  }
  stack[0] = 0;
  stack[1] = m;
  stack[2] = 0;
  stack[3] = -1;
  stack[4] = rootSlot;
  let top = 1;
  let nodes = 0;
  let leaves = 0;
  const outputs = classes === 0 ? 1 : classes;

  while (top > 0) {
    top--;
    const at = STACK_FIELDS * top;
    const start = stack[at];
    const end = stack[at + 1];
    const depth = stack[at + 2];
    const parent = stack[at + 3];
    const slot = stack[at + 4];
    const id = nodes++;
    // Left children are popped right after their parent, so only a right child records itself.
    if (parent >= 0 && id !== parent + 1) ws.nodeChild[parent] = id;

    if (classes === 0) {
      regressionStats(ws, start, end, stats);
    } else if (classes === 2 && parent >= 0) {
      // The parent's split already summed this side: weights and class-1 weights are whole numbers,
      // so the figures are exact and no pass over the samples is needed.
      binaryStatsOf(end - start, ws.stackStats[2 * top], ws.stackStats[2 * top + 1], stats);
    } else if (classes === 2) {
      binaryStats(ws, start, end, stats);
    } else {
      classificationStats(ws, start, end, classes, stats);
    }
    if (parent >= 0) ws.importance[ws.nodeFeature[parent]] -= stats.weight * stats.impurity;

    let isLeaf = !willSplit(stats.count, depth) || stats.impurity <= IMPURITY_EPSILON;

    // Features found constant in a node stay constant below it: they are neither searched nor
    // partitioned again. Flags for depth d live at constant[d * p …].
    const flags = depth * p;
    if (!isLeaf) {
      if (depth > 0) constant.copyWithin(flags, flags - p, flags);
      best.feature = -1;
      best.position = -1;
      best.proxy = Number.NEGATIVE_INFINITY;
      let visited = 0;
      for (let drawn = 0; drawn < p && visited < task.maxFeatures; drawn++) {
        const pick = drawn + random.nextInt(p - drawn);
        const f = ws.candidates[pick];
        ws.candidates[pick] = ws.candidates[drawn];
        ws.candidates[drawn] = f;
        if (constant[flags + f] === 1) continue;
        let searched: boolean;
        const list = listOf[f];
        if (list >= 0) {
          searched = searchSorted(ws, list * m, start, end, f, stats, classes, task.minSamplesLeaf, best);
        } else if (h && slot >= 0) {
          searched = searchSlot(ws, h, slot, f, stats, classes, task.minSamplesLeaf, best);
        } else if (classes <= 2 && index.distinct[f].length === 2) {
          searched = searchFlag(ws, start, end, f, stats, classes, task.minSamplesLeaf, best);
        } else if (classes <= 2) {
          searched = searchHistogram(ws, start, end, f, stats, classes, task.minSamplesLeaf, best);
        } else {
          searched = searchHistogramClasses(ws, start, end, f, stats, classes, task.minSamplesLeaf, best);
        }
        if (searched) visited++;
        else constant[flags + f] = 1;
      }
      isLeaf = best.feature < 0;
    }

    if (isLeaf) {
      if (h) releaseSlot(h, slot);
      ws.nodeFeature[id] = -1;
      ws.nodeThreshold[id] = 0;
      ws.nodeChild[id] = leaves;
      if (classes === 0) {
        ws.leafValues[leaves] = stats.sum / stats.weight;
      } else if (classes === 2) {
        ws.leafValues[leaves * 2] = (stats.weight - stats.sum) / stats.weight;
        ws.leafValues[leaves * 2 + 1] = stats.sum / stats.weight;
      } else {
        for (let c = 0; c < classes; c++)
          ws.leafValues[leaves * outputs + c] = ws.classTotals[c] / stats.weight;
      }
      leaves++;
      continue;
    }

    const f = best.feature;
    let threshold = (best.low + best.high) / 2;
    if (threshold === best.high || !Number.isFinite(threshold)) threshold = best.low;
    ws.nodeFeature[id] = f;
    ws.nodeThreshold[id] = threshold;
    ws.importance[f] += stats.weight * stats.impurity;

    const split = markSides(ws, m, f, start, end, best.position);
    partition(ws, m, lists, f, start, end, flags);

    let leftSlot = -1;
    let rightSlot = -1;
    if (h && slot >= 0) {
      const leftCount = split - start;
      const rightCount = end - split;
      const leftIsSmaller = leftCount <= rightCount;
      const largerNeeds = willSplit(leftIsSmaller ? rightCount : leftCount, depth + 1);
      const largerIsLarge = (leftIsSmaller ? rightCount : leftCount) >= large;
      const smallerNeeds = willSplit(leftIsSmaller ? leftCount : rightCount, depth + 1);
      const smallerIsLarge = (leftIsSmaller ? leftCount : rightCount) >= large;
      const smallerSlot = largerNeeds && largerIsLarge ? takeSlot(h) : -1;
      if (smallerSlot >= 0) {
        if (leftIsSmaller) fillSlot(ws, h, smallerSlot, start, split);
        else fillSlot(ws, h, smallerSlot, split, end);
        subtractSlot(h, slot, smallerSlot);
        const keepSmaller = smallerNeeds && smallerIsLarge;
        if (!keepSmaller) releaseSlot(h, smallerSlot);
        leftSlot = leftIsSmaller ? (keepSmaller ? smallerSlot : -1) : slot;
        rightSlot = leftIsSmaller ? slot : keepSmaller ? smallerSlot : -1;
      } else {
        releaseSlot(h, slot);
      }
    }

    ws.stackStats[2 * top] = stats.weight - best.leftWeight;
    ws.stackStats[2 * top + 1] = stats.sum - best.leftSum;
    ws.stackStats[2 * top + 2] = best.leftWeight;
    ws.stackStats[2 * top + 3] = best.leftSum;
    const right = STACK_FIELDS * top;
    stack[right] = split;
    stack[right + 1] = end;
    stack[right + 2] = depth + 1;
    stack[right + 3] = id;
    stack[right + 4] = rightSlot;
    const left = right + STACK_FIELDS;
    stack[left] = start;
    stack[left + 1] = split;
    stack[left + 2] = depth + 1;
    stack[left + 3] = id;
    stack[left + 4] = leftSlot;
    top += 2;
  }
  return { nodes, leaves };
}

function regressionStats(ws: Workspace, start: number, end: number, stats: NodeStats): void {
  const { order, weight, weightedTarget, target } = ws;
  let w = 0;
  let s = 0;
  let q = 0;
  for (let k = start; k < end; k++) {
    const id = order[k];
    const wy = weightedTarget[id];
    w += weight[id];
    s += wy;
    q += wy * target[id];
  }
  stats.count = end - start;
  stats.weight = w;
  stats.sum = s;
  const mean = s / w;
  stats.impurity = Math.max(q / w - mean * mean, 0);
}

function binaryStatsOf(count: number, weight: number, positive: number, stats: NodeStats): void {
  const negative = weight - positive;
  stats.count = count;
  stats.weight = weight;
  stats.sum = positive;
  stats.impurity = 1 - (positive * positive + negative * negative) / (weight * weight);
}

/** Class 1's weight goes in stats.sum (weightedTarget is weight × label). */
function binaryStats(ws: Workspace, start: number, end: number, stats: NodeStats): void {
  const { order, weight, weightedTarget } = ws;
  let w = 0;
  let positive = 0;
  for (let k = start; k < end; k++) {
    const id = order[k];
    w += weight[id];
    positive += weightedTarget[id];
  }
  const negative = w - positive;
  stats.count = end - start;
  stats.weight = w;
  stats.sum = positive;
  stats.impurity = 1 - (positive * positive + negative * negative) / (w * w);
}

function classificationStats(
  ws: Workspace,
  start: number,
  end: number,
  classes: number,
  stats: NodeStats,
): void {
  const { order, weight, label, classTotals } = ws;
  classTotals.fill(0);
  let w = 0;
  for (let k = start; k < end; k++) {
    const id = order[k];
    classTotals[label[id]] += weight[id];
    w += weight[id];
  }
  let squares = 0;
  for (let c = 0; c < classes; c++) squares += classTotals[c] * classTotals[c];
  stats.count = end - start;
  stats.weight = w;
  stats.impurity = 1 - squares / (w * w);
}

/**
 * Scikit-learn's proxy of a split's impurity decrease: Σ_side sum²/weight for squared error; for two
 * classes "sum" is the weight of class 1 and the proxy is Σ_side Σ_class weight²/weight (Gini).
 */
function proxyOf(classes: number, wl: number, sl: number, wr: number, sr: number): number {
  if (classes === 0) return (sl * sl) / wl + (sr * sr) / wr;
  const nl = wl - sl;
  const nr = wr - sr;
  return (sl * sl + nl * nl) / wl + (sr * sr + nr * nr) / wr;
}

/** Searches a sorted feature's list; false when the feature is constant in the node. */
function searchSorted(
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
function searchFlag(
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
function searchHistogram(
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
function searchHistogramClasses(
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

/** Marks which of the node's samples go left; returns where the right child starts. */
function markSides(
  ws: Workspace,
  m: number,
  f: number,
  start: number,
  end: number,
  position: number,
): number {
  const { order, goesLeft, listOf, rows } = ws;
  const list = listOf[f];
  if (list >= 0) {
    const offset = list * m;
    for (let k = start; k < end; k++) goesLeft[order[offset + k]] = k <= position ? 1 : 0;
    return position + 1;
  }
  const codes = ws.index.codes;
  const column = f * rows;
  let left = start;
  for (let k = start; k < end; k++) {
    const id = order[k];
    // 1 when the code is at most `position`, without a branch: the sign bit of position - code.
    const side = 1 - ((position - codes[column + id]) >>> 31);
    goesLeft[id] = side;
    left += side;
  }
  return left;
}

/**
 * Moves the node's samples to [start, split) and [split, end) in every list, keeping each side in
 * its order (stable), so sorted features stay sorted in the children.
 */
function partition(
  ws: Workspace,
  m: number,
  lists: number,
  f: number,
  start: number,
  end: number,
  flags: number,
): void {
  const { order, data, rows, goesLeft, scratchOrder, constant, listOf, featureOf } = ws;
  const chosen = listOf[f];
  for (let list = 0; list < lists; list++) {
    if (list === chosen) continue;
    const offset = list * m;
    if (list > 0) {
      // A sorted feature constant in this node is never searched below it: leave its list alone.
      const feature = featureOf[list];
      if (constant[flags + feature] === 1) continue;
      const column = feature * rows;
      if (
        data[column + order[offset + end - 1]] <=
        data[column + order[offset + start]] + FEATURE_THRESHOLD
      ) {
        constant[flags + feature] = 1;
        continue;
      }
    }
    // Branch-free: a sample's side is as unpredictable as a coin, so write it to both places and
    // advance only the side it belongs to.
    let l = offset + start;
    let r = 0;
    for (let k = offset + start; k < offset + end; k++) {
      const id = order[k];
      const left = goesLeft[id];
      order[l] = id;
      scratchOrder[r] = id;
      l += left;
      r += 1 - left;
    }
    for (let k = 0; k < r; k++) order[l + k] = scratchOrder[k];
  }
}
