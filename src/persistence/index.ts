export * from './connection.js';
export * from './migrate.js';
export * from './movies.js';
export * from './runs.js';
export type * from './schema.js';
