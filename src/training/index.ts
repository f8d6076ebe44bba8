export * from './features.js';
export * from './pipeline.js';
export * from './predict.js';
export * from './run.js';
