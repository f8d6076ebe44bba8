/**
 * What the tree-growing kernel is asked for and what it returns: plain typed arrays both ways, so
 * a task can be sent to a worker thread as it is.
 */

/** Scikit-learn's FEATURE_THRESHOLD: values closer than this count as equal when looking for splits. */
export const FEATURE_THRESHOLD = 1e-7;
/** Scikit-learn's EPSILON: a node this pure is not split further. */
export const IMPURITY_EPSILON = Number.EPSILON;

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
  /** Bootstrap draws per tree: the sample count, or fewer (scikit-learn's max_samples); Infinity for all. */
  readonly maxSamples: number;
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
