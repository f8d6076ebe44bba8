import { z } from 'zod';
import { type BinEdges, binFeatures, fitBinEdges, MAX_BINS } from './binning.js';
import { createMatrix, type Matrix, selectRows, selectValues } from './matrix.js';
import { createRandom, type Random } from './random.js';
import { trainTestSplit } from './split.js';
import { createTreeGrower, type FeatureIndex, indexFeatures, type TreeSet } from './tree/index.js';

/**
 * Gradient-boosted regression trees on binned features, in the manner of scikit-learn's
 * HistGradientBoostingRegressor: every tree is grown by the shared tree kernel on byte-sized bin
 * numbers, searched from whole-node histograms with sibling subtraction.
 */

const optionsSchema = z
  .object({
    /**
     * 'absolute_error' fits each tree to the signs of the residuals and sets each leaf to the
     * median residual of its samples; 'squared_error' fits the residuals themselves (pass a
     * transformed target, such as log1p, to model a skewed one).
     */
    loss: z.enum(['absolute_error', 'squared_error']).default('squared_error'),
    learningRate: z.number().gt(0).max(1).default(0.1),
    /** Most boosting iterations, one tree each. */
    maxIter: z.number().int().min(1).default(100),
    /** Depth limit of each tree, the root at depth 0; null for none. */
    maxDepth: z.number().int().min(1).nullable().default(6),
    minSamplesLeaf: z.number().int().min(1).default(20),
    /** Shrinks a leaf of n samples toward 0 by n / (n + l2Regularization). */
    l2Regularization: z.number().min(0).default(0),
    maxBins: z.number().int().min(2).max(MAX_BINS).default(MAX_BINS),
    /** Hold out a validation part and stop when its loss stops improving; 'auto' above 10,000 samples. */
    earlyStopping: z.union([z.boolean(), z.literal('auto')]).default('auto'),
    validationFraction: z.number().gt(0).lt(1).default(0.1),
    /** Stop when none of this many iterations lowered the validation loss by more than `tol`. */
    nIterNoChange: z.number().int().min(1).default(10),
    tol: z.number().min(0).default(1e-7),
  })
  .strict();

export type BoostingOptions = z.input<typeof optionsSchema>;
export type BoostingSettings = z.output<typeof optionsSchema>;
export type BoostingLoss = BoostingSettings['loss'];

/**
 * One tree, nodes in depth-first order: a split's left child is the next node, its right child is
 * `right[node]`. A leaf has feature -1. `value` is, per node, the mean output (learning rate
 * included) of the training samples that reach it; a leaf's value is what it adds to a prediction.
 */
export interface BoostedTree {
  readonly feature: number[];
  /** Samples with value ≤ threshold go left. */
  readonly threshold: number[];
  readonly right: number[];
  readonly value: number[];
}

/** A fitted boosted ensemble: plain JSON. */
export interface BoostingModel {
  readonly kind: 'gradient-boosting';
  readonly features: number;
  readonly settings: BoostingSettings;
  /** The constant the trees start from: the training target's median (absolute error) or mean. */
  readonly baseline: number;
  readonly trees: BoostedTree[];
  /** Validation loss before the first tree and after each one; empty without early stopping. */
  readonly validationLoss: number[];
}

/** The training part's features as the tree kernel sees them: bin numbers, indexed once for every tree. */
interface BinnedTraining {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
  readonly index: FeatureIndex;
  readonly edges: BinEdges;
}

function binTraining(features: Matrix, maxBins: number): BinnedTraining {
  const edges = fitBinEdges(features, maxBins);
  const data = Float64Array.from(binFeatures(features, edges));
  const index = indexFeatures(features.rows, features.cols, data);
  return { rows: features.rows, cols: features.cols, data, index, edges };
}

function median(values: ArrayLike<number>): number {
  return medianInPlace(Float64Array.from(values));
}

/** The median of `values`, which it sorts. */
function medianInPlace(values: Float64Array): number {
  const sorted = values.sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

function lossOf(loss: BoostingLoss, actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    const error = actual[i] - predicted[i];
    sum += loss === 'absolute_error' ? Math.abs(error) : error * error;
  }
  return sum / actual.length;
}

/**
 * Scikit-learn's stopping rule: stop when none of the last `patience` losses is below the loss
 * `patience` iterations before them by more than `tol`.
 */
export function shouldStop(losses: readonly number[], patience: number, tol: number): boolean {
  if (losses.length <= patience) return false;
  const reference = losses[losses.length - patience - 1] - tol;
  return losses.slice(-patience).every((loss) => !(loss < reference));
}

/** The leaf each training sample of `binned` reaches in tree 0 of `set` (node ids), and per-node sample counts. */
function routeTraining(set: TreeSet, binned: BinnedTraining): { leafOf: Int32Array; counts: Int32Array } {
  const { rows, data } = binned;
  const leafOf = new Int32Array(rows);
  const counts = new Int32Array(set.nodeOffsets[1]);
  for (let i = 0; i < rows; i++) {
    let node = 0;
    counts[0]++;
    while (set.feature[node] >= 0) {
      node = data[set.feature[node] * rows + i] <= set.threshold[node] ? node + 1 : set.child[node];
      counts[node]++;
    }
    leafOf[i] = node;
  }
  return { leafOf, counts };
}

/**
 * Turns the kernel's tree (grown on bins, fitted to the loss's negative gradient) into a boosted
 * tree: thresholds back on the features' scale, each leaf set to the mean (squared error) or
 * median (absolute error) residual of its samples, shrunk and scaled by the learning rate, and
 * each split node given the sample-weighted mean of its children.
 */
function boostedTree(
  set: TreeSet,
  binned: BinnedTraining,
  residual: Float64Array,
  settings: BoostingSettings,
  grouped: Float64Array,
): { tree: BoostedTree; leafOf: Int32Array } {
  const nodes = set.nodeOffsets[1];
  const { leafOf, counts } = routeTraining(set, binned);
  // Each leaf's residuals side by side in `grouped`, in sample order: leaf node l holds
  // grouped[first[l], first[l] + counts[l]).
  const first = new Int32Array(nodes + 1);
  for (let node = 0; node < nodes; node++) {
    first[node + 1] = first[node] + (set.feature[node] < 0 ? counts[node] : 0);
  }
  const filled = first.slice(0, nodes);
  for (let i = 0; i < binned.rows; i++) grouped[filled[leafOf[i]]++] = residual[i];
  const feature = Array.from(set.feature.subarray(0, nodes));
  const threshold = new Array<number>(nodes).fill(0);
  const right = new Array<number>(nodes).fill(-1);
  const value = new Array<number>(nodes).fill(0);
  // Children follow their parent, so a backward pass sees both children before the parent.
  for (let node = nodes - 1; node >= 0; node--) {
    const f = feature[node];
    if (f < 0) {
      const samples = grouped.subarray(first[node], first[node] + counts[node]);
      const centre = settings.loss === 'absolute_error' ? medianInPlace(samples) : mean(samples);
      const shrink = samples.length / (samples.length + settings.l2Regularization);
      value[node] = settings.learningRate * centre * shrink;
      continue;
    }
    // Bin ≤ b is value ≤ edges[b]: the bin-space threshold lies between two whole bins.
    threshold[node] = binned.edges[f][Math.floor(set.threshold[node])];
    right[node] = set.child[node];
    const left = node + 1;
    value[node] = (counts[left] * value[left] + counts[right[node]] * value[right[node]]) / counts[node];
  }
  return { tree: { feature, threshold, right, value }, leafOf };
}

/** The leaf of `tree` that row i of a column-major matrix reaches. */
function leafOfRow(tree: BoostedTree, data: Float64Array, rows: number, i: number): number {
  let node = 0;
  while (tree.feature[node] >= 0) {
    node = data[tree.feature[node] * rows + i] <= tree.threshold[node] ? node + 1 : tree.right[node];
  }
  return node;
}

function addTree(tree: BoostedTree, features: Matrix, predictions: Float64Array): void {
  for (let i = 0; i < features.rows; i++) {
    predictions[i] += tree.value[leafOfRow(tree, features.data, features.rows, i)];
  }
}

/**
 * Fits boosted trees to `target`. `random` splits off the validation part (early stopping) and
 * seeds the kernel's tie-breaking, so the same generator state gives the same model.
 */
export function fitGradientBoostingRegressor(
  features: Matrix,
  target: ArrayLike<number>,
  options: BoostingOptions,
  random: Random,
): BoostingModel {
  const settings = optionsSchema.parse(options);
  if (features.rows !== target.length) {
    throw new RangeError(`${features.rows} rows but ${target.length} targets`);
  }
  if (features.rows < 2) throw new RangeError('boosting needs at least two samples');
  const early = settings.earlyStopping === 'auto' ? features.rows > 10_000 : settings.earlyStopping;
  const allTargets = Float64Array.from(target);
  const split = early ? trainTestSplit(features.rows, settings.validationFraction, random) : undefined;
  const x = split ? selectRows(features, split.train) : features;
  const y = split ? selectValues(allTargets, split.train) : allTargets;
  const xValidation = split ? selectRows(features, split.test) : createMatrix(0, features.cols);
  const yValidation = split ? selectValues(allTargets, split.test) : new Float64Array(0);

  const binned = binTraining(x, settings.maxBins);
  const baseline = settings.loss === 'absolute_error' ? median(y) : mean(y);
  const predictions = new Float64Array(x.rows).fill(baseline);
  const validationPredictions = new Float64Array(xValidation.rows).fill(baseline);
  const validationLoss = early ? [lossOf(settings.loss, yValidation, validationPredictions)] : [];
  const residual = new Float64Array(x.rows);
  const negativeGradient = new Float64Array(x.rows);
  const grouped = new Float64Array(x.rows);
  // One workspace for every tree: each grows on the same bins, to the gradient written before it.
  const grow = createTreeGrower(
    {
      rows: binned.rows,
      cols: binned.cols,
      data: binned.data,
      target: negativeGradient,
      seeds: new Uint32Array(0),
      classes: 0,
      maxDepth: settings.maxDepth ?? Number.POSITIVE_INFINITY,
      maxFeatures: binned.cols,
      minSamplesLeaf: settings.minSamplesLeaf,
      minSamplesSplit: 2,
      bootstrap: false,
      maxSamples: Number.POSITIVE_INFINITY,
    },
    binned.index,
  );
  const trees: BoostedTree[] = [];
  for (let iteration = 0; iteration < settings.maxIter; iteration++) {
    for (let i = 0; i < x.rows; i++) {
      residual[i] = y[i] - predictions[i];
      negativeGradient[i] = settings.loss === 'absolute_error' ? Math.sign(residual[i]) : residual[i];
    }
    const set = grow(Uint32Array.of(random.nextUint32()));
    const { tree, leafOf } = boostedTree(set, binned, residual, settings, grouped);
    trees.push(tree);
    for (let i = 0; i < x.rows; i++) predictions[i] += tree.value[leafOf[i]];
    if (!early) continue;
    addTree(tree, xValidation, validationPredictions);
    validationLoss.push(lossOf(settings.loss, yValidation, validationPredictions));
    if (shouldStop(validationLoss, settings.nIterNoChange, settings.tol)) break;
  }
  return { kind: 'gradient-boosting', features: features.cols, settings, baseline, trees, validationLoss };
}

/** One fit as plain data, so it can be sent to a worker thread. */
export interface BoostingJob {
  readonly features: Matrix;
  readonly target: Float64Array;
  readonly options: BoostingOptions;
  /** State of the createRandom generator the fit draws from (see StatefulRandom). */
  readonly randomState: number;
}

/** Fits boosting jobs: on the calling thread, or in a worker pool. */
export type BoostingFitter = (job: BoostingJob) => Promise<BoostingModel>;

export function fitBoostingJob(job: BoostingJob): BoostingModel {
  return fitGradientBoostingRegressor(job.features, job.target, job.options, createRandom(job.randomState));
}

export function predictGradientBoosting(model: BoostingModel, features: Matrix): Float64Array {
  if (features.cols !== model.features) {
    throw new RangeError(`model expects ${model.features} features, got ${features.cols}`);
  }
  const predictions = new Float64Array(features.rows).fill(model.baseline);
  for (const tree of model.trees) addTree(tree, features, predictions);
  return predictions;
}
