export { FAULT_KINDS, type FaultInjector, type FaultKind, type MockFaults } from './faults.js';
export type { MockSettings } from './handler.js';
export * from './server.js';
export type { MockRequestInfo, MockRequestRecord, MockTmdbStats } from './stats.js';
