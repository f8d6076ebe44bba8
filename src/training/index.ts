export * from './boosted-artifact.js';
export * from './explain.js';
export * from './features.js';
export * from './forecast.js';
export { BOOSTED_MODELS, type BoostedModelName, INTERVAL_LEVEL } from './models/boosted.js';
export * from './pipeline.js';
export * from './pre-release.js';
export * from './predict.js';
export * from './run.js';
