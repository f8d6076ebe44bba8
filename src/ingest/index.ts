export * from './csv.js';
export * from './demo-history.js';
export * from './import-csv.js';
export * from './run.js';
export * from './source.js';
export type * from './types.js';
