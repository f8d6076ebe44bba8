import { type FeatureIndex, MAX_HISTOGRAM_VALUES } from './feature-index.js';
import { createHistograms, type Histograms, type LeafSizes } from './histogram.js';
import type { GrowTask } from './types.js';

/** Scratch space reused by every node and every tree of a batch: the split search never allocates. */
export interface Workspace {
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

export interface NodeStats {
  count: number;
  weight: number;
  sum: number;
  impurity: number;
}

export interface BestSplit {
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
export function nodeCapacity(maxDepth: number, samples: number): number {
  const bySamples = 2 * Math.max(samples, 1) - 1;
  if (!Number.isFinite(maxDepth) || maxDepth >= 30) return bySamples;
  return Math.min(bySamples, 2 ** (maxDepth + 1) - 1);
}

/** Fields of a stacked node: start, end, depth, parent id, histogram slot. */
export const STACK_FIELDS = 5;

function leafSizes(task: GrowTask): LeafSizes {
  if (task.minSamplesLeaf <= 1) return 'none';
  return task.bootstrap ? 'counts' : 'weights';
}

/** Allocates every buffer a batch of trees needs, sized for the task's samples and depth limit. */
export function createWorkspace(task: GrowTask, index: FeatureIndex): Workspace {
  const { rows: n, cols: p, target, classes } = task;
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
  return {
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
    label: classes > 0 ? Int32Array.from(target) : new Int32Array(n),
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
    histograms: withHistograms ? createHistograms(index, slots, leafSizes(task)) : undefined,
  };
}
