export * from './connection.js';
export * from './documents/training-metrics.js';
export * from './migrate.js';
export type * from './schema.js';
export * from './stores/collection-runs.js';
export { BATCH_SIZE } from './stores/context.js';
export * from './stores/films.js';
export * from './stores/index.js';
export * from './stores/training-runs.js';
