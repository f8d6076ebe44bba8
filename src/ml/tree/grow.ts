import { createRandom, type Random } from '../random.js';
import { type FeatureIndex, indexFeatures } from './feature-index.js';
import { fillSlot, freeAllSlots, type Histograms, releaseSlot, subtractSlot, takeSlot } from './histogram.js';
import { binaryStats, binaryStatsOf, classificationStats, regressionStats } from './node-stats.js';
import { markSides, partition } from './partition.js';
import {
  searchFlag,
  searchHistogram,
  searchHistogramClasses,
  searchSlot,
  searchSorted,
} from './split-search.js';
import { type GrowTask, IMPURITY_EPSILON, type TreeSet } from './types.js';
import {
  type BestSplit,
  createWorkspace,
  type NodeStats,
  STACK_FIELDS,
  type Workspace,
} from './workspace.js';

/**
 * Grows a batch of trees, one per seed, on the same samples: the kernel shared by the regressor and
 * the classifier, and the unit of work sent to worker threads.
 */
export function growTrees(task: GrowTask, featureIndex?: FeatureIndex): TreeSet {
  return createTreeGrower(task, featureIndex)(task.seeds);
}

/**
 * Grows batches of trees on the task's samples, again and again, on one workspace: boosting grows
 * hundreds of regression trees on the same samples, each to new values written into `task.target`
 * between calls (a classifier's labels are read once, here). The returned function takes the batch's seeds, one tree per seed.
 */
export function createTreeGrower(
  task: GrowTask,
  featureIndex?: FeatureIndex,
): (seeds: Uint32Array) => TreeSet {
  const { rows: n, cols: p, classes } = task;
  const outputs = classes === 0 ? 1 : classes;
  if (n < 1) throw new RangeError('cannot grow a tree on no samples');
  const index = featureIndex ?? indexFeatures(n, p, task.data);
  const ws = createWorkspace(task, index);
  return (seeds) => growBatch(task, ws, seeds, outputs);
}

function growBatch(task: GrowTask, ws: Workspace, seeds: Uint32Array, outputs: number): TreeSet {
  const p = task.cols;
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

/** Whether a node of this many samples at this depth may still be split. */
function canSplit(task: GrowTask, count: number, depth: number): boolean {
  return depth < task.maxDepth && count >= task.minSamplesSplit && count >= 2 * task.minSamplesLeaf;
}

/**
 * Draws the tree's samples (a bootstrap sample or all of them) into the weights, and lists the drawn
 * ones in every list: sorted features keep their order, so no node ever sorts. Returns how many.
 */
function drawSamples(task: GrowTask, ws: Workspace, random: Random): number {
  const { rows: n, cols: p } = task;
  const { weight, weightedTarget, target, order, index, listOf } = ws;
  weight.fill(0);
  if (task.bootstrap) {
    const draws = Math.min(n, task.maxSamples);
    for (let i = 0; i < draws; i++) weight[random.nextInt(n)] += 1;
  } else {
    weight.fill(1);
  }
  for (let i = 0; i < n; i++) weightedTarget[i] = weight[i] * target[i];
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
  return m;
}

/** Fills `stats` for the node order[start, end); `top` is its place on the stack. */
function measureNode(
  ws: Workspace,
  classes: number,
  start: number,
  end: number,
  isRoot: boolean,
  top: number,
  stats: NodeStats,
): void {
  if (classes === 0) {
    regressionStats(ws, start, end, stats);
  } else if (classes === 2 && !isRoot) {
    // The parent's split already summed this side: weights and class-1 weights are whole numbers,
    // so the figures are exact and no pass over the samples is needed.
    binaryStatsOf(end - start, ws.stackStats[2 * top], ws.stackStats[2 * top + 1], stats);
  } else if (classes === 2) {
    binaryStats(ws, start, end, stats);
  } else {
    classificationStats(ws, start, end, classes, stats);
  }
}

/**
 * Draws features at random until `maxFeatures` non-constant ones were searched, leaving the best
 * split in `best` (feature -1 when none). `flags` is where this depth's constant-feature flags start.
 */
function searchNode(
  task: GrowTask,
  ws: Workspace,
  random: Random,
  m: number,
  start: number,
  end: number,
  slot: number,
  flags: number,
  stats: NodeStats,
  best: BestSplit,
): void {
  const { cols: p, classes, minSamplesLeaf } = task;
  const { constant, candidates, listOf, index } = ws;
  const h = ws.histograms;
  best.feature = -1;
  best.position = -1;
  best.proxy = Number.NEGATIVE_INFINITY;
  let visited = 0;
  for (let drawn = 0; drawn < p && visited < task.maxFeatures; drawn++) {
    const pick = drawn + random.nextInt(p - drawn);
    const f = candidates[pick];
    candidates[pick] = candidates[drawn];
    candidates[drawn] = f;
    if (constant[flags + f] === 1) continue;
    let searched: boolean;
    const list = listOf[f];
    if (list >= 0) {
      searched = searchSorted(ws, list * m, start, end, f, stats, classes, minSamplesLeaf, best);
    } else if (h && slot >= 0) {
      searched = searchSlot(ws, h, slot, f, stats, classes, minSamplesLeaf, best);
    } else if (classes <= 2 && index.distinct[f].length === 2) {
      searched = searchFlag(ws, start, end, f, stats, classes, minSamplesLeaf, best);
    } else if (classes <= 2) {
      searched = searchHistogram(ws, start, end, f, stats, classes, minSamplesLeaf, best);
    } else {
      searched = searchHistogramClasses(ws, start, end, f, stats, classes, minSamplesLeaf, best);
    }
    if (searched) visited++;
    else constant[flags + f] = 1;
  }
}

/** Records node `id` as leaf number `leaf`: the mean target, or the class frequencies. */
function writeLeaf(ws: Workspace, classes: number, id: number, leaf: number, stats: NodeStats): void {
  ws.nodeFeature[id] = -1;
  ws.nodeThreshold[id] = 0;
  ws.nodeChild[id] = leaf;
  if (classes === 0) {
    ws.leafValues[leaf] = stats.sum / stats.weight;
  } else if (classes === 2) {
    ws.leafValues[leaf * 2] = (stats.weight - stats.sum) / stats.weight;
    ws.leafValues[leaf * 2 + 1] = stats.sum / stats.weight;
  } else {
    for (let c = 0; c < classes; c++) ws.leafValues[leaf * classes + c] = ws.classTotals[c] / stats.weight;
  }
}

/** The whole-node histogram slots of a split node's children (-1: searched feature by feature). */
interface ChildSlots {
  left: number;
  right: number;
}

/**
 * Gives the children of a node split at `split` their histograms: the smaller child is filled
 * from its samples, the larger one is the parent's slot minus the smaller's (sibling subtraction).
 * A child too small or not to be split gets none. The parent's slot is reused or released.
 */
function childHistograms(
  task: GrowTask,
  ws: Workspace,
  h: Histograms,
  slot: number,
  start: number,
  split: number,
  end: number,
  depth: number,
  large: number,
  children: ChildSlots,
): void {
  children.left = -1;
  children.right = -1;
  if (slot < 0) return;
  const leftCount = split - start;
  const rightCount = end - split;
  const leftIsSmaller = leftCount <= rightCount;
  const larger = leftIsSmaller ? rightCount : leftCount;
  const smaller = leftIsSmaller ? leftCount : rightCount;
  const smallerSlot = canSplit(task, larger, depth + 1) && larger >= large ? takeSlot(h) : -1;
  if (smallerSlot < 0) {
    releaseSlot(h, slot);
    return;
  }
  if (leftIsSmaller) fillSlot(ws, h, smallerSlot, start, split);
  else fillSlot(ws, h, smallerSlot, split, end);
  subtractSlot(h, slot, smallerSlot);
  const keepSmaller = canSplit(task, smaller, depth + 1) && smaller >= large;
  if (!keepSmaller) releaseSlot(h, smallerSlot);
  children.left = leftIsSmaller ? (keepSmaller ? smallerSlot : -1) : slot;
  children.right = leftIsSmaller ? slot : keepSmaller ? smallerSlot : -1;
}

/** Puts a node on the stack: its samples order[start, end), depth, parent id and histogram slot. */
function pushNode(
  stack: Int32Array,
  top: number,
  start: number,
  end: number,
  depth: number,
  parent: number,
  slot: number,
): void {
  const at = STACK_FIELDS * top;
  stack[at] = start;
  stack[at + 1] = end;
  stack[at + 2] = depth;
  stack[at + 3] = parent;
  stack[at + 4] = slot;
}

/** Grows one tree into the workspace's node arrays; returns how many nodes and leaves it has. */
function growOne(task: GrowTask, ws: Workspace, random: Random): { nodes: number; leaves: number } {
  const { cols: p, classes } = task;
  const { constant, lists, stack } = ws;
  const h = ws.histograms;
  const m = drawSamples(task, ws, random);
  for (let j = 0; j < p; j++) ws.candidates[j] = j;
  ws.importance.fill(0);
  constant.fill(0, 0, p);
  // A node this large is searched from a whole-node histogram (when the task has them).
  const large = h ? Math.max(32, h.width) : Number.POSITIVE_INFINITY;

  const stats: NodeStats = { count: 0, weight: 0, sum: 0, impurity: 0 };
  const best: BestSplit = { feature: -1, position: -1, proxy: 0, low: 0, high: 0, leftWeight: 0, leftSum: 0 };
  const children: ChildSlots = { left: -1, right: -1 };
  let rootSlot = -1;
  if (h) freeAllSlots(h);
  if (h && m >= large && canSplit(task, m, 0)) {
    rootSlot = takeSlot(h);
    fillSlot(ws, h, rootSlot, 0, m);
  }
  pushNode(stack, 0, 0, m, 0, -1, rootSlot);
  let top = 1;
  let nodes = 0;
  let leaves = 0;

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

    measureNode(ws, classes, start, end, parent < 0, top, stats);
    if (parent >= 0) ws.importance[ws.nodeFeature[parent]] -= stats.weight * stats.impurity;

    // Features found constant in a node stay constant below it: they are neither searched nor
    // partitioned again. Flags for depth d live at constant[d * p …].
    const flags = depth * p;
    let isLeaf = !canSplit(task, stats.count, depth) || stats.impurity <= IMPURITY_EPSILON;
    if (!isLeaf) {
      if (depth > 0) constant.copyWithin(flags, flags - p, flags);
      searchNode(task, ws, random, m, start, end, slot, flags, stats, best);
      isLeaf = best.feature < 0;
    }
    if (isLeaf) {
      if (h) releaseSlot(h, slot);
      writeLeaf(ws, classes, id, leaves++, stats);
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
    if (h) childHistograms(task, ws, h, slot, start, split, end, depth, large, children);

    ws.stackStats[2 * top] = stats.weight - best.leftWeight;
    ws.stackStats[2 * top + 1] = stats.sum - best.leftSum;
    ws.stackStats[2 * top + 2] = best.leftWeight;
    ws.stackStats[2 * top + 3] = best.leftSum;
    pushNode(stack, top, split, end, depth + 1, id, h ? children.right : -1);
    pushNode(stack, top + 1, start, split, depth + 1, id, h ? children.left : -1);
    top += 2;
  }
  return { nodes, leaves };
}
