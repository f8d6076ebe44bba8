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

/** Scratch space reused by every node and every tree of a batch: the split search never allocates. */
interface Workspace {
  readonly order: Int32Array;
  /** The task's column-major features: split search reads values through the sorted sample ids. */
  readonly data: Float64Array;
  readonly rows: number;
  readonly scratchOrder: Int32Array;
  readonly weight: Float64Array;
  readonly weightedTarget: Float64Array;
  readonly target: Float64Array;
  readonly label: Int32Array;
  readonly goesLeft: Uint8Array;
  readonly classTotals: Float64Array;
  readonly classLeft: Float64Array;
  readonly candidates: Int32Array;
  readonly stack: Int32Array;
  readonly constant: Uint8Array;
  readonly nodeFeature: Int32Array;
  readonly nodeThreshold: Float64Array;
  readonly nodeChild: Int32Array;
  readonly leafValues: Float64Array;
  readonly importance: Float64Array;
}

interface NodeStats {
  count: number;
  weight: number;
  sum: number;
  impurity: number;
}

interface BestSplit {
  feature: number;
  position: number;
  proxy: number;
}

/** The maximum number of nodes a tree can have given its depth limit and sample count. */
function nodeCapacity(maxDepth: number, samples: number): number {
  const bySamples = 2 * Math.max(samples, 1) - 1;
  if (!Number.isFinite(maxDepth) || maxDepth >= 30) return bySamples;
  return Math.min(bySamples, 2 ** (maxDepth + 1) - 1);
}

/**
 * Sample indices sorted by each feature (ties by index), column-major like the features. The
 * values are sorted natively and each sample is then placed by its rank (a counting sort), which is
 * several times faster than sorting indices with a comparator.
 */
export function presort(rows: number, cols: number, data: Float64Array): Int32Array {
  const sorted = new Int32Array(rows * cols);
  const distinct = new Float64Array(rows);
  const rank = new Int32Array(rows);
  const start = new Int32Array(rows + 1);
  for (let j = 0; j < cols; j++) {
    const offset = j * rows;
    distinct.set(data.subarray(offset, offset + rows));
    distinct.sort();
    let unique = 0;
    for (let i = 0; i < rows; i++) {
      if (i === 0 || distinct[i] !== distinct[unique - 1]) distinct[unique++] = distinct[i];
    }
    start.fill(0, 0, unique + 1);
    for (let i = 0; i < rows; i++) {
      const value = data[offset + i];
      let lo = 0;
      let hi = unique - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (distinct[mid] < value) lo = mid + 1;
        else hi = mid;
      }
      rank[i] = lo;
      start[lo + 1]++;
    }
    for (let r = 0; r < unique; r++) start[r + 1] += start[r];
    for (let i = 0; i < rows; i++) sorted[offset + start[rank[i]]++] = i;
  }
  return sorted;
}

export function growTrees(task: GrowTask, sortedIndex?: Int32Array): TreeSet {
  const { rows: n, cols: p, data, target, seeds, classes } = task;
  if (n < 1) throw new RangeError('cannot grow a tree on no samples');
  const sorted = sortedIndex ?? presort(n, p, data);
  const outputs = classes === 0 ? 1 : classes;
  const capacity = nodeCapacity(task.maxDepth, n);
  const ws: Workspace = {
    order: new Int32Array(n * p),
    data: task.data,
    rows: n,
    scratchOrder: new Int32Array(n),
    weight: new Float64Array(n),
    weightedTarget: new Float64Array(n),
    target,
    label: new Int32Array(n),
    goesLeft: new Uint8Array(n),
    classTotals: new Float64Array(Math.max(classes, 1)),
    classLeft: new Float64Array(Math.max(classes, 1)),
    candidates: new Int32Array(p),
    stack: new Int32Array(STACK_FIELDS * (capacity + 2)),
    constant: new Uint8Array(p * (Math.min(task.maxDepth, n) + 2)),
    nodeFeature: new Int32Array(capacity),
    nodeThreshold: new Float64Array(capacity),
    nodeChild: new Int32Array(capacity),
    leafValues: new Float64Array(capacity * outputs),
    importance: new Float64Array(p),
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
    const { nodes, leaves } = growOne(task, sorted, ws, random);
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

/** Grows one tree into the workspace's node arrays; returns how many nodes and leaves it has. */
function growOne(
  task: GrowTask,
  sorted: Int32Array,
  ws: Workspace,
  random: Random,
): { nodes: number; leaves: number } {
  const { rows: n, cols: p, data, classes } = task;
  const { weight, weightedTarget, target, order, constant } = ws;

  weight.fill(0);
  if (task.bootstrap) {
    for (let i = 0; i < n; i++) weight[random.nextInt(n)] += 1;
  } else {
    weight.fill(1);
  }
  for (let i = 0; i < n; i++) weightedTarget[i] = weight[i] * target[i];

  // Keep only the drawn samples, already in each feature's sorted order: no sort per node.
  let m = 0;
  for (let i = 0; i < n; i++) if (weight[i] > 0) m++;
  for (let j = 0; j < p; j++) {
    const from = j * n;
    const to = j * m;
    let k = 0;
    for (let r = 0; r < n; r++) {
      const id = sorted[from + r];
      if (weight[id] > 0) order[to + k++] = id;
    }
  }
  for (let j = 0; j < p; j++) ws.candidates[j] = j;
  ws.importance.fill(0);
  constant.fill(0, 0, p);

  const stats: NodeStats = { count: 0, weight: 0, sum: 0, impurity: 0 };
  const best: BestSplit = { feature: -1, position: -1, proxy: 0 };
  const stack = ws.stack;
  stack[0] = 0;
  stack[1] = m;
  stack[2] = 0;
  stack[3] = -1;
  stack[4] = 0;
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
    // The parent's split feature is the one list certain to be partitioned for this node.
    const statsOffset = stack[at + 4] * m;
    const id = nodes++;
    // Left children are popped right after their parent, so only a right child records itself.
    if (parent >= 0 && id !== parent + 1) ws.nodeChild[parent] = id;

    if (classes === 0) regressionStats(ws, statsOffset, start, end, stats);
    else if (classes === 2) binaryStats(ws, statsOffset, start, end, stats);
    else classificationStats(ws, statsOffset, start, end, classes, stats);
    if (parent >= 0) ws.importance[ws.nodeFeature[parent]] -= stats.weight * stats.impurity;

    let isLeaf =
      depth >= task.maxDepth ||
      stats.count < task.minSamplesSplit ||
      stats.count < 2 * task.minSamplesLeaf ||
      stats.impurity <= IMPURITY_EPSILON;

    // Features found constant in a node stay constant below it: their lists are neither scanned
    // nor partitioned again. Flags for depth d live at constant[d * p …].
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
        const offset = f * m;
        const column = f * n;
        if (
          data[column + order[offset + end - 1]] <=
          data[column + order[offset + start]] + FEATURE_THRESHOLD
        ) {
          constant[flags + f] = 1;
          continue;
        }
        visited++;
        if (classes === 0) scanRegression(ws, offset, start, end, f, stats, task.minSamplesLeaf, best);
        else if (classes === 2) scanBinary(ws, offset, start, end, f, stats, task.minSamplesLeaf, best);
        else scanClassification(ws, offset, start, end, f, stats, classes, task.minSamplesLeaf, best);
      }
      isLeaf = best.feature < 0;
    }

    if (isLeaf) {
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
    const offset = f * m;
    const low = data[f * n + order[offset + best.position]];
    const high = data[f * n + order[offset + best.position + 1]];
    let threshold = (low + high) / 2;
    if (threshold === high || !Number.isFinite(threshold)) threshold = low;
    ws.nodeFeature[id] = f;
    ws.nodeThreshold[id] = threshold;
    ws.importance[f] += stats.weight * stats.impurity;

    const split = best.position + 1;
    partition(ws, m, p, f, start, split, end, flags);

    const right = STACK_FIELDS * top;
    stack[right] = split;
    stack[right + 1] = end;
    stack[right + 2] = depth + 1;
    stack[right + 3] = id;
    stack[right + 4] = f;
    const left = right + STACK_FIELDS;
    stack[left] = start;
    stack[left + 1] = split;
    stack[left + 2] = depth + 1;
    stack[left + 3] = id;
    stack[left + 4] = f;
    top += 2;
  }
  return { nodes, leaves };
}

function regressionStats(ws: Workspace, offset: number, start: number, end: number, stats: NodeStats): void {
  const { order, weight, weightedTarget, target } = ws;
  let w = 0;
  let s = 0;
  let q = 0;
  for (let k = offset + start; k < offset + end; k++) {
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

/** Class 1's weight goes in stats.sum (weightedTarget is weight × label). */
function binaryStats(ws: Workspace, offset: number, start: number, end: number, stats: NodeStats): void {
  const { order, weight, weightedTarget } = ws;
  let w = 0;
  let positive = 0;
  for (let k = offset + start; k < offset + end; k++) {
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
  offset: number,
  start: number,
  end: number,
  classes: number,
  stats: NodeStats,
): void {
  const { order, weight, label, classTotals } = ws;
  classTotals.fill(0);
  let w = 0;
  for (let k = offset + start; k < offset + end; k++) {
    const id = order[k];
    classTotals[label[id]] += weight[id];
    w += weight[id];
  }
  let squares = 0;
  for (let c = 0; c < classes; c++) squares += classTotals[c] * classTotals[c];
  stats.count = end - start;
  stats.weight = w;
  stats.sum = squares;
  stats.impurity = 1 - squares / (w * w);
}

/**
 * Best squared-error split of one feature. Maximises sL²/wL + sR²/wR (scikit-learn's proxy), compared
 * in cross-multiplied form so the loop does no division.
 */
function scanRegression(
  ws: Workspace,
  offset: number,
  start: number,
  end: number,
  f: number,
  stats: NodeStats,
  minLeaf: number,
  best: BestSplit,
): void {
  const { order, data, rows, weight, weightedTarget } = ws;
  const totalWeight = stats.weight;
  const totalSum = stats.sum;
  let bestProxy = best.proxy;
  let bestPosition = -1;
  let wl = 0;
  let sl = 0;
  const last = end - minLeaf;
  const column = f * rows;
  let current = data[column + order[offset + start]];
  for (let k = start; k < end - 1; k++) {
    const id = order[offset + k];
    wl += weight[id];
    sl += weightedTarget[id];
    const next = data[column + order[offset + k + 1]];
    const tied = next <= current + FEATURE_THRESHOLD;
    current = next;
    if (tied) continue;
    if (k + 1 - start < minLeaf || k + 1 > last) continue;
    const wr = totalWeight - wl;
    const sr = totalSum - sl;
    const denominator = wl * wr;
    const numerator = sl * sl * wr + sr * sr * wl;
    if (numerator > bestProxy * denominator) {
      bestProxy = numerator / denominator;
      bestPosition = k - start;
    }
  }
  if (bestPosition >= 0) {
    best.proxy = bestProxy;
    best.feature = f;
    best.position = start + bestPosition;
  }
}

/** Best Gini split of one feature for two classes, counting class 1's weight only. */
function scanBinary(
  ws: Workspace,
  offset: number,
  start: number,
  end: number,
  f: number,
  stats: NodeStats,
  minLeaf: number,
  best: BestSplit,
): void {
  const { order, data, rows, weight, weightedTarget } = ws;
  const totalWeight = stats.weight;
  const totalPositive = stats.sum;
  let bestProxy = best.proxy;
  let bestPosition = -1;
  let wl = 0;
  let pl = 0;
  const last = end - minLeaf;
  const column = f * rows;
  let current = data[column + order[offset + start]];
  for (let k = start; k < end - 1; k++) {
    const id = order[offset + k];
    wl += weight[id];
    pl += weightedTarget[id];
    const next = data[column + order[offset + k + 1]];
    const tied = next <= current + FEATURE_THRESHOLD;
    current = next;
    if (tied) continue;
    if (k + 1 - start < minLeaf || k + 1 > last) continue;
    const wr = totalWeight - wl;
    const pr = totalPositive - pl;
    const nl = wl - pl;
    const nr = wr - pr;
    const denominator = wl * wr;
    const numerator = (pl * pl + nl * nl) * wr + (pr * pr + nr * nr) * wl;
    if (numerator > bestProxy * denominator) {
      bestProxy = numerator / denominator;
      bestPosition = k - start;
    }
  }
  if (bestPosition >= 0) {
    best.proxy = bestProxy;
    best.feature = f;
    best.position = start + bestPosition;
  }
}

/** Best Gini split of one feature: maximises Σ cL²/wL + Σ cR²/wR over the class weights c. */
function scanClassification(
  ws: Workspace,
  offset: number,
  start: number,
  end: number,
  f: number,
  stats: NodeStats,
  classes: number,
  minLeaf: number,
  best: BestSplit,
): void {
  const { order, data, rows, weight, label, classTotals, classLeft } = ws;
  const totalWeight = stats.weight;
  let bestProxy = best.proxy;
  let bestPosition = -1;
  let wl = 0;
  classLeft.fill(0);
  const last = end - minLeaf;
  const column = f * rows;
  let current = data[column + order[offset + start]];
  for (let k = start; k < end - 1; k++) {
    const id = order[offset + k];
    const w = weight[id];
    wl += w;
    classLeft[label[id]] += w;
    const next = data[column + order[offset + k + 1]];
    const tied = next <= current + FEATURE_THRESHOLD;
    current = next;
    if (tied) continue;
    if (k + 1 - start < minLeaf || k + 1 > last) continue;
    const wr = totalWeight - wl;
    let left = 0;
    let right = 0;
    for (let c = 0; c < classes; c++) {
      const cl = classLeft[c];
      const cr = classTotals[c] - cl;
      left += cl * cl;
      right += cr * cr;
    }
    const denominator = wl * wr;
    const numerator = left * wr + right * wl;
    if (numerator > bestProxy * denominator) {
      bestProxy = numerator / denominator;
      bestPosition = k - start;
    }
  }
  if (bestPosition >= 0) {
    best.proxy = bestProxy;
    best.feature = f;
    best.position = start + bestPosition;
  }
}

/**
 * Moves the node's samples to [start, split) and [split, end) in every feature's sorted list,
 * keeping each side in sorted order (stable), so children need no sorting either.
 */
function partition(
  ws: Workspace,
  m: number,
  p: number,
  f: number,
  start: number,
  split: number,
  end: number,
  flags: number,
): void {
  const { order, data, rows, goesLeft, scratchOrder, constant } = ws;
  const chosen = f * m;
  for (let k = start; k < split; k++) goesLeft[order[chosen + k]] = 1;
  for (let k = split; k < end; k++) goesLeft[order[chosen + k]] = 0;
  for (let j = 0; j < p; j++) {
    if (j === f || constant[flags + j] === 1) continue;
    const offset = j * m;
    const column = j * rows;
    if (data[column + order[offset + end - 1]] <= data[column + order[offset + start]] + FEATURE_THRESHOLD) {
      constant[flags + j] = 1;
      continue;
    }
    let l = offset + start;
    let r = 0;
    for (let k = offset + start; k < offset + end; k++) {
      const id = order[k];
      if (goesLeft[id] === 1) order[l++] = id;
      else scratchOrder[r++] = id;
    }
    order.set(scratchOrder.subarray(0, r), l);
  }
}
