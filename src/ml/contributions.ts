import type { BoostedTree, BoostingModel } from './boosting.js';
import type { ForestModel } from './forest.js';
import type { Matrix } from './matrix.js';

/**
 * Per-feature contributions to tree-ensemble predictions, along each sample's path (Saabas): at
 * every split the sample passes, the child's value minus the node's value is credited to the split
 * feature. Summed over the trees, base + Σ contributions is the prediction exactly.
 */
export interface Contributions {
  /** What every prediction starts from: the ensemble's value at the trees' roots. */
  readonly base: number;
  readonly features: number;
  /** Row-major, rows × features: contributions of sample i at [i * features + j]. */
  readonly values: Float64Array;
}

/** Adds one tree's path contributions of every row to `values`. */
function addTreeContributions(tree: BoostedTree, x: Matrix, values: Float64Array): void {
  const { rows, cols, data } = x;
  for (let i = 0; i < rows; i++) {
    let node = 0;
    while (tree.feature[node] >= 0) {
      const f = tree.feature[node];
      const next = data[f * rows + i] <= tree.threshold[node] ? node + 1 : tree.right[node];
      values[i * cols + f] += tree.value[next] - tree.value[node];
      node = next;
    }
  }
}

export function boostingContributions(model: BoostingModel, features: Matrix): Contributions {
  if (features.cols !== model.features) {
    throw new RangeError(`model expects ${model.features} features, got ${features.cols}`);
  }
  const values = new Float64Array(features.rows * features.cols);
  let base = model.baseline;
  for (const tree of model.trees) {
    base += tree.value[0];
    addTreeContributions(tree, features, values);
  }
  return { base, features: features.cols, values };
}

/**
 * A regression forest's node values, tree t's nodes at model.trees.nodeOffsets[t]. The forest keeps
 * no per-node sample counts, so a split node's value is measured on `training`: the mean leaf value
 * of the training rows passing through it (a node none passes takes its parent's). Leaves keep
 * their own values, so the contributions still add up to the prediction exactly.
 */
function forestNodeValues(model: ForestModel, training: Matrix): Float64Array {
  const { trees, nodeOffsets, leafOffsets, feature, threshold, child, leafValues } = model.trees;
  const { rows, data } = training;
  const sum = new Float64Array(nodeOffsets[trees]);
  const count = new Int32Array(nodeOffsets[trees]);
  const path = new Int32Array(nodeOffsets[trees]);
  for (let t = 0; t < trees; t++) {
    const base = nodeOffsets[t];
    for (let i = 0; i < rows; i++) {
      let depth = 0;
      let node = base;
      while (feature[node] >= 0) {
        path[depth++] = node;
        node = data[feature[node] * rows + i] <= threshold[node] ? node + 1 : base + child[node];
      }
      const value = leafValues[leafOffsets[t] + child[node]];
      for (let k = 0; k < depth; k++) {
        sum[path[k]] += value;
        count[path[k]]++;
      }
    }
  }
  const values = new Float64Array(nodeOffsets[trees]);
  for (let t = 0; t < trees; t++) {
    const base = nodeOffsets[t];
    for (let node = base; node < nodeOffsets[t + 1]; node++) {
      if (feature[node] < 0) values[node] = leafValues[leafOffsets[t] + child[node]];
    }
    // Depth-first order: a parent's value is set before its children read it.
    for (let node = base; node < nodeOffsets[t + 1]; node++) {
      if (feature[node] < 0) continue;
      if (count[node] > 0) values[node] = sum[node] / count[node];
      else values[node] = node === base ? 0 : values[parentOf(model, t, node)];
    }
  }
  return values;
}

/** The parent of a node of tree t (not its root): the split whose left child it is, or whose right child. */
function parentOf(model: ForestModel, t: number, node: number): number {
  const { nodeOffsets, feature, child } = model.trees;
  const base = nodeOffsets[t];
  for (let candidate = node - 1; candidate >= base; candidate--) {
    if (feature[candidate] < 0) continue;
    if (candidate + 1 === node || base + child[candidate] === node) return candidate;
  }
  return base;
}

/** Contributions of a regression forest; `training` is what it was fitted on (see forestNodeValues). */
export function forestContributions(model: ForestModel, training: Matrix, features: Matrix): Contributions {
  if (model.task !== 'regression') throw new TypeError('forest contributions need a regression forest');
  if (features.cols !== model.features || training.cols !== model.features) {
    throw new RangeError(`model expects ${model.features} features`);
  }
  const { trees, nodeOffsets, feature, threshold, child } = model.trees;
  const nodeValues = forestNodeValues(model, training);
  const { rows, cols, data } = features;
  const values = new Float64Array(rows * cols);
  let base = 0;
  for (let t = 0; t < trees; t++) {
    const root = nodeOffsets[t];
    base += nodeValues[root] / trees;
    for (let i = 0; i < rows; i++) {
      let node = root;
      while (feature[node] >= 0) {
        const f = feature[node];
        const next = data[f * rows + i] <= threshold[node] ? node + 1 : root + child[node];
        values[i * cols + f] += (nodeValues[next] - nodeValues[node]) / trees;
        node = next;
      }
    }
  }
  return { base, features: cols, values };
}

/** Each feature's mean absolute contribution over the rows: a global importance on the target's scale. */
export function meanAbsoluteContributions(contributions: Contributions): Float64Array {
  const { features, values } = contributions;
  const rows = values.length / features;
  const means = new Float64Array(features);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < features; j++) means[j] += Math.abs(values[i * features + j]) / rows;
  }
  return means;
}
