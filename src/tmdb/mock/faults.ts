import type { Random } from '../random.js';
import type { MockRequestInfo } from './stats.js';

export type FaultKind = '500' | '502' | '503' | 'truncated' | 'reset' | 'stall';
export const FAULT_KINDS: readonly FaultKind[] = ['500', '502', '503', 'truncated', 'reset', 'stall'];

export interface MockFaults {
  /** Share of authorised requests that fail, 0..1. */
  rate: number;
  /** Relative weights of the fault kinds (an absent kind never happens); all equal when omitted. */
  kinds?: Partial<Record<FaultKind, number>>;
  /** How long a stalled request stays silent before it is answered after all. */
  stallMs?: number;
}

/** Decides a fault for one request (tests that need a specific failure). */
export type FaultInjector = (request: MockRequestInfo) => FaultKind | undefined;

/** The fault for one request: the injector's choice if there is one, else a draw at the configured rate. */
export function pickFault(
  settings: { faults?: MockFaults; inject?: FaultInjector },
  info: MockRequestInfo,
  random: Random,
): FaultKind | undefined {
  if (settings.inject) return settings.inject(info);
  const faults = settings.faults;
  if (!faults || !(faults.rate > 0) || !random.chance(faults.rate)) return undefined;
  const weights = FAULT_KINDS.map((kind) => [kind, faults.kinds ? (faults.kinds[kind] ?? 0) : 1] as const);
  return random.weighted(weights.filter(([, weight]) => weight > 0));
}

export function isServerErrorFault(fault: FaultKind | undefined): fault is '500' | '502' | '503' {
  return fault === '500' || fault === '502' || fault === '503';
}

/** TMDB's body for a failure on its side. */
export const SERVER_ERROR_BODY = JSON.stringify({
  status_code: 11,
  status_message: 'Internal error: Something went wrong, contact TMDb.',
});

/** The first half of a body, as a connection dropped mid-answer leaves it. */
export function truncate(body: string): string {
  return body.slice(0, Math.floor(body.length / 2));
}
