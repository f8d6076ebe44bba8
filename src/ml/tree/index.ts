/** The tree-growing kernel's public face: what forests and boosting build on. */
export { type FeatureIndex, indexFeatures, MAX_HISTOGRAM_VALUES } from './feature-index.js';
export { createTreeGrower, growTrees } from './grow.js';
export type { GrowSettings, GrowTask, TreeSet } from './types.js';
