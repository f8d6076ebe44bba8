import type { Matrix } from './matrix.js';
import { createRandom } from './random.js';
import { type GrowSettings, type GrowTask, growTrees, type TreeSet } from './tree/index.js';

/** Hyper-parameters, with scikit-learn's defaults where one is not given. */
export interface ForestOptions {
  /** Number of trees (100). */
  readonly trees?: number;
  /** Maximum depth, root at 0 (null: grow until pure). */
  readonly maxDepth?: number | null;
  /** Features tried per split: 'sqrt' (classifier default), 'all' (regressor default), 'log2', a count or a fraction. */
  readonly maxFeatures?: 'sqrt' | 'log2' | 'all' | number;
  readonly minSamplesLeaf?: number;
  readonly minSamplesSplit?: number;
  readonly bootstrap?: boolean;
  /**
   * Bootstrap draws per tree when there are more rows (scikit-learn's max_samples as a count):
   * bounds the time per tree on large sets; every row still has the same chance to be drawn.
   */
  readonly maxSamples?: number;
  readonly seed?: number;
}

export interface ForestSettings {
  readonly trees: number;
  readonly maxDepth: number | null;
  readonly maxFeatures: number;
  readonly minSamplesLeaf: number;
  readonly minSamplesSplit: number;
  readonly bootstrap: boolean;
  /** Bootstrap draws per tree at most; null for as many as there are rows. */
  readonly maxSamples: number | null;
  readonly seed: number;
}

export type ForestTrees = Omit<TreeSet, 'importances'>;

/** A fitted random forest: plain data (typed arrays) that crosses threads and serialises (see artifact.ts). */
export interface ForestModel {
  readonly kind: 'random-forest';
  readonly task: 'regression' | 'classification';
  readonly features: number;
  /** Number of classes; 0 for regression. */
  readonly classes: number;
  readonly settings: ForestSettings;
  /** Mean decrease in impurity per feature, averaged over trees, summing to 1. */
  readonly featureImportances: number[];
  readonly trees: ForestTrees;
}

/** Something that grows the trees of a task: the calling thread, or a pool of workers. */
export type TreeGrower = (task: GrowTask) => Promise<TreeSet>;

export function resolveForestSettings(
  options: ForestOptions,
  features: number,
  task: 'regression' | 'classification',
): ForestSettings {
  const trees = options.trees ?? 100;
  const maxDepth = options.maxDepth ?? null;
  const minSamplesLeaf = options.minSamplesLeaf ?? 1;
  const minSamplesSplit = options.minSamplesSplit ?? 2;
  const requested = options.maxFeatures ?? (task === 'regression' ? 'all' : 'sqrt');
  let maxFeatures: number;
  if (requested === 'all') maxFeatures = features;
  else if (requested === 'sqrt') maxFeatures = Math.max(1, Math.floor(Math.sqrt(features)));
  else if (requested === 'log2') maxFeatures = Math.max(1, Math.floor(Math.log2(features)));
  else if (requested > 0 && requested < 1) maxFeatures = Math.max(1, Math.floor(requested * features));
  else maxFeatures = Math.min(features, Math.floor(requested));
  if (!Number.isInteger(trees) || trees < 1) throw new RangeError('trees must be a positive integer');
  if (maxDepth !== null && (!Number.isInteger(maxDepth) || maxDepth < 0)) {
    throw new RangeError('maxDepth must be a non-negative integer or null');
  }
  if (!(maxFeatures >= 1)) throw new RangeError('maxFeatures must select at least one feature');
  if (!Number.isInteger(minSamplesLeaf) || minSamplesLeaf < 1)
    throw new RangeError('minSamplesLeaf must be ≥ 1');
  if (!Number.isInteger(minSamplesSplit) || minSamplesSplit < 2)
    throw new RangeError('minSamplesSplit must be ≥ 2');
  if (options.maxSamples !== undefined && !(Number.isInteger(options.maxSamples) && options.maxSamples >= 1))
    throw new RangeError('maxSamples must be a positive integer');
  return {
    trees,
    maxDepth,
    maxFeatures,
    minSamplesLeaf,
    minSamplesSplit,
    bootstrap: options.bootstrap ?? true,
    maxSamples: options.maxSamples ?? null,
    seed: options.seed ?? 0,
  };
}

/** Tree t's seed depends only on the forest seed and t, so any split of trees over threads agrees. */
function treeSeeds(settings: ForestSettings): Uint32Array {
  const random = createRandom(settings.seed);
  const seeds = new Uint32Array(settings.trees);
  for (let t = 0; t < seeds.length; t++) seeds[t] = random.nextUint32();
  return seeds;
}

function checkFeatures(features: Matrix, targetLength: number): void {
  if (features.rows !== targetLength) {
    throw new RangeError(`target has ${targetLength} values, features ${features.rows} rows`);
  }
  if (features.rows < 1 || features.cols < 1) throw new RangeError('cannot fit a forest on an empty matrix');
  for (let i = 0; i < features.data.length; i++) {
    if (!Number.isFinite(features.data[i])) throw new RangeError('features must be finite numbers');
  }
}

function regressionTask(features: Matrix, target: Float64Array, settings: ForestSettings): GrowTask {
  checkFeatures(features, target.length);
  for (let i = 0; i < target.length; i++) {
    if (!Number.isFinite(target[i])) throw new RangeError('target values must be finite numbers');
  }
  return growTask(features, Float64Array.from(target), 0, settings);
}

function classificationTask(features: Matrix, labels: Int32Array, settings: ForestSettings): GrowTask {
  checkFeatures(features, labels.length);
  let classes = 0;
  for (let i = 0; i < labels.length; i++) {
    if (!Number.isInteger(labels[i]) || labels[i] < 0)
      throw new RangeError('labels must be integers 0, 1, …');
    classes = Math.max(classes, labels[i] + 1);
  }
  return growTask(features, Float64Array.from(labels), Math.max(classes, 2), settings);
}

function growTask(
  features: Matrix,
  target: Float64Array,
  classes: number,
  settings: ForestSettings,
): GrowTask {
  const grow: GrowSettings = {
    classes,
    maxDepth: settings.maxDepth ?? Number.POSITIVE_INFINITY,
    maxFeatures: settings.maxFeatures,
    minSamplesLeaf: settings.minSamplesLeaf,
    minSamplesSplit: settings.minSamplesSplit,
    bootstrap: settings.bootstrap,
    maxSamples: settings.maxSamples ?? Number.POSITIVE_INFINITY,
  };
  return {
    ...grow,
    rows: features.rows,
    cols: features.cols,
    data: features.data,
    target,
    seeds: treeSeeds(settings),
  };
}

function assemble(task: GrowTask, settings: ForestSettings, set: TreeSet): ForestModel {
  const p = task.cols;
  const importance = new Array<number>(p).fill(0);
  let counted = 0;
  for (let t = 0; t < set.trees; t++) {
    // scikit-learn leaves single-leaf trees out of the average: they carry no information.
    if (set.nodeOffsets[t + 1] - set.nodeOffsets[t] <= 1) continue;
    counted++;
    for (let j = 0; j < p; j++) importance[j] += set.importances[t * p + j];
  }
  const total = importance.reduce((a, b) => a + b, 0);
  const featureImportances = importance.map((value) => (counted > 0 && total > 0 ? value / total : 0));
  const { importances: _perTree, ...trees } = set;
  return {
    kind: 'random-forest',
    task: task.classes === 0 ? 'regression' : 'classification',
    features: p,
    classes: task.classes,
    settings,
    featureImportances,
    trees,
  };
}

export function fitRandomForestRegressor(
  features: Matrix,
  target: Float64Array,
  options: ForestOptions = {},
): ForestModel {
  const settings = resolveForestSettings(options, features.cols, 'regression');
  const task = regressionTask(features, target, settings);
  return assemble(task, settings, growTrees(task));
}

/** Labels are class indices 0..k-1. */
export function fitRandomForestClassifier(
  features: Matrix,
  labels: Int32Array,
  options: ForestOptions = {},
): ForestModel {
  const settings = resolveForestSettings(options, features.cols, 'classification');
  const task = classificationTask(features, labels, settings);
  return assemble(task, settings, growTrees(task));
}

/** Same model as fitRandomForestRegressor, with the trees grown by `grow` (e.g. a worker pool). */
export async function fitRandomForestRegressorWith(
  grow: TreeGrower,
  features: Matrix,
  target: Float64Array,
  options: ForestOptions = {},
): Promise<ForestModel> {
  const settings = resolveForestSettings(options, features.cols, 'regression');
  const task = regressionTask(features, target, settings);
  return assemble(task, settings, await grow(task));
}

export async function fitRandomForestClassifierWith(
  grow: TreeGrower,
  features: Matrix,
  labels: Int32Array,
  options: ForestOptions = {},
): Promise<ForestModel> {
  const settings = resolveForestSettings(options, features.cols, 'classification');
  const task = classificationTask(features, labels, settings);
  return assemble(task, settings, await grow(task));
}

/** Concatenates tree sets grown separately (in tree order). */
export function mergeTreeSets(sets: readonly TreeSet[]): TreeSet {
  if (sets.length === 1) return sets[0];
  const outputs = sets[0].outputs;
  const trees = sets.reduce((sum, set) => sum + set.trees, 0);
  const nodes = sets.reduce((sum, set) => sum + set.feature.length, 0);
  const leaves = sets.reduce((sum, set) => sum + set.leafValues.length, 0);
  const importanceLength = sets.reduce((sum, set) => sum + set.importances.length, 0);
  const nodeOffsets = new Int32Array(trees + 1);
  const leafOffsets = new Int32Array(trees + 1);
  const feature = new Int32Array(nodes);
  const threshold = new Float64Array(nodes);
  const child = new Int32Array(nodes);
  const leafValues = new Float64Array(leaves);
  const importances = new Float64Array(importanceLength);
  let t = 0;
  let nodeBase = 0;
  let leafBase = 0;
  let importanceBase = 0;
  for (const set of sets) {
    for (let k = 1; k <= set.trees; k++) {
      nodeOffsets[t + k] = nodeBase + set.nodeOffsets[k];
      leafOffsets[t + k] = leafBase / outputs + set.leafOffsets[k];
    }
    feature.set(set.feature, nodeBase);
    threshold.set(set.threshold, nodeBase);
    child.set(set.child, nodeBase);
    leafValues.set(set.leafValues, leafBase);
    importances.set(set.importances, importanceBase);
    t += set.trees;
    nodeBase += set.feature.length;
    leafBase += set.leafValues.length;
    importanceBase += set.importances.length;
  }
  return { trees, outputs, nodeOffsets, leafOffsets, feature, threshold, child, leafValues, importances };
}

/** Average over trees of the leaf values reached by each row: rows × outputs, row-major. */
function forestOutputs(model: ForestModel, features: Matrix): Float64Array {
  if (features.cols !== model.features) {
    throw new RangeError(`model expects ${model.features} features, got ${features.cols}`);
  }
  const { rows: n, data } = features;
  const { trees, outputs, nodeOffsets, leafOffsets, feature, threshold, child, leafValues } = model.trees;
  const out = new Float64Array(n * outputs);
  for (let t = 0; t < trees; t++) {
    const base = nodeOffsets[t];
    const leafBase = leafOffsets[t];
    for (let i = 0; i < n; i++) {
      let node = base;
      let f = feature[node];
      while (f >= 0) {
        node = data[f * n + i] <= threshold[node] ? node + 1 : base + child[node];
        f = feature[node];
      }
      const at = (leafBase + child[node]) * outputs;
      for (let c = 0; c < outputs; c++) out[i * outputs + c] += leafValues[at + c];
    }
  }
  for (let k = 0; k < out.length; k++) out[k] /= trees;
  return out;
}

export function predictRandomForest(model: ForestModel, features: Matrix): Float64Array {
  if (model.task !== 'regression') throw new TypeError('predictRandomForest needs a regression forest');
  return forestOutputs(model, features);
}

/** Class probabilities, rows × classes, row-major: proba[i * classes + c]. */
export function predictRandomForestProba(model: ForestModel, features: Matrix): Float64Array {
  if (model.task !== 'classification') throw new TypeError('predictRandomForestProba needs a classifier');
  return forestOutputs(model, features);
}

/** Most probable class per row; ties go to the lower class, as numpy's argmax does. */
export function predictRandomForestClass(model: ForestModel, features: Matrix): Int32Array {
  const proba = predictRandomForestProba(model, features);
  const k = model.classes;
  const out = new Int32Array(features.rows);
  for (let i = 0; i < features.rows; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (proba[i * k + c] > proba[i * k + best]) best = c;
    out[i] = best;
  }
  return out;
}

/** Probability of class `positive` per row (the score a ROC curve needs). */
export function classProbability(model: ForestModel, proba: Float64Array, positive = 1): Float64Array {
  const k = model.classes;
  const out = new Float64Array(proba.length / k);
  for (let i = 0; i < out.length; i++) out[i] = proba[i * k + positive];
  return out;
}
