import type { FaultKind } from './faults.js';

export interface MockRequestInfo {
  endpoint: 'discover' | 'movie' | 'genres' | 'other';
  /** Path and query without the api_key parameter, e.g. `/discover/movie?page=2&…`. */
  target: string;
}

export interface MockRequestRecord extends MockRequestInfo {
  /** Milliseconds since the mock started. */
  at: number;
  status: number | FaultKind;
}

export interface MockTmdbStats {
  requests: number;
  byEndpoint: Record<MockRequestInfo['endpoint'], number>;
  byStatus: Record<string, number>;
  faults: Record<FaultKind, number>;
  /** Most requests that arrived within any one second (sliding window). */
  maxPerSecond: number;
  log: MockRequestRecord[];
}

export function emptyStats(): MockTmdbStats {
  return {
    requests: 0,
    byEndpoint: { discover: 0, movie: 0, genres: 0, other: 0 },
    byStatus: {},
    faults: { '500': 0, '502': 0, '503': 0, truncated: 0, reset: 0, stall: 0 },
    maxPerSecond: 0,
    log: [],
  };
}

/** Counts a request as it arrives, before its answer is known. */
export function countRequest(stats: MockTmdbStats, info: MockRequestInfo, inWindow: number): void {
  stats.requests += 1;
  stats.byEndpoint[info.endpoint] += 1;
  stats.maxPerSecond = Math.max(stats.maxPerSecond, inWindow);
}

/** Records how a request was answered; the log keeps the newest `logLimit` entries. */
export function recordAnswer(stats: MockTmdbStats, record: MockRequestRecord, logLimit: number): void {
  stats.byStatus[String(record.status)] = (stats.byStatus[String(record.status)] ?? 0) + 1;
  if (stats.log.length >= logLimit) stats.log.shift();
  stats.log.push(record);
}
