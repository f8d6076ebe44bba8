import type { BoostedTree, BoostingModel } from './boosting.js';
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
