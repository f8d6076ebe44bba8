import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Random } from '../random.js';
import {
  type FaultInjector,
  type FaultKind,
  isServerErrorFault,
  type MockFaults,
  pickFault,
  SERVER_ERROR_BODY,
  truncate,
} from './faults.js';
import { type DelayedAnswers, sendJson } from './respond.js';
import { type Answer, endpointOf, tmdbError } from './routes.js';
import { countRequest, type MockRequestInfo, type MockTmdbStats, recordAnswer } from './stats.js';
import type { ArrivalWindow } from './traffic.js';

/** What can change while the mock runs. */
export interface MockSettings {
  /** Requests per second above which the answer is 429 with Retry-After; unlimited when omitted. */
  rateLimit?: number;
  latencyMs?: number;
  /** Latency varies uniformly by up to this much either way. */
  latencyJitterMs?: number;
  faults?: MockFaults;
  /** Decides a fault for one request (tests that need a specific failure); overrides `faults`. */
  inject?: FaultInjector;
}

export interface HandlerContext {
  settings: MockSettings;
  stats: () => MockTmdbStats;
  route: (url: URL) => Answer;
  keys: ReadonlySet<string> | undefined;
  random: Random;
  arrivals: ArrivalWindow;
  delayed: DelayedAnswers;
  logLimit: number;
  /** performance.now() when the mock started; log times count from it. */
  started: number;
}

const DEFAULT_STALL_MS = 30_000;

/**
 * One request, in the order TMDB would judge it: the key, then the rate limit, then (the mock's
 * addition) an injected fault, then the answer itself after the configured latency.
 */
export function createHandler(context: HandlerContext) {
  const { settings, delayed } = context;

  function record(info: MockRequestInfo, status: number | FaultKind): void {
    const at = Math.round(performance.now() - context.started);
    recordAnswer(context.stats(), { ...info, at, status }, context.logLimit);
  }

  function latency(): number {
    const jitter = settings.latencyJitterMs ?? 0;
    return Math.max(0, (settings.latencyMs ?? 0) + (context.random.next() * 2 - 1) * jitter);
  }

  function refuseKey(response: ServerResponse, info: MockRequestInfo, delay: number): void {
    record(info, 401);
    const error = tmdbError(401, 7, 'Invalid API key: You must be granted a valid key.');
    delayed.later(delay, response, () => sendJson(response, error.status, JSON.stringify(error.body)));
  }

  function refuseRate(
    response: ServerResponse,
    info: MockRequestInfo,
    limit: number,
    inWindow: number,
    now: number,
  ) {
    record(info, 429);
    const retryAfter = context.arrivals.retryAfterSeconds(limit, now);
    const message = `Your request count (${inWindow}) is over the allowed limit of (${limit}).`;
    const body = JSON.stringify(tmdbError(429, 25, message).body);
    sendJson(response, 429, body, { 'retry-after': String(retryAfter) });
  }

  function answer(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    info: MockRequestInfo,
    delay: number,
  ) {
    const fault = pickFault(settings, info, context.random);
    if (fault) {
      context.stats().faults[fault] += 1;
      record(info, fault);
    }
    if (fault === 'reset') {
      request.socket.resetAndDestroy();
      return;
    }
    if (isServerErrorFault(fault)) {
      delayed.later(delay, response, () => sendJson(response, Number(fault), SERVER_ERROR_BODY));
      return;
    }
    const { status, body } = context.route(url);
    if (!fault) record(info, status);
    const text = JSON.stringify(body);
    if (fault === 'truncated') {
      delayed.later(delay, response, () => sendJson(response, status, truncate(text)));
      return;
    }
    const wait = fault === 'stall' ? (settings.faults?.stallMs ?? DEFAULT_STALL_MS) : delay;
    delayed.later(wait, response, () => sendJson(response, status, text));
  }

  return function handle(request: IncomingMessage, response: ServerResponse): void {
    const now = performance.now();
    const presented = new URL(request.url ?? '/', 'http://mock');
    const url = new URL(presented);
    url.searchParams.delete('api_key');
    const info: MockRequestInfo = {
      endpoint: endpointOf(url.pathname),
      target: `${url.pathname}${url.search}`,
    };
    const inWindow = context.arrivals.arrive(now);
    countRequest(context.stats(), info, inWindow);
    const delay = latency();
    const limit = settings.rateLimit;
    if (!authorised(request, presented, context.keys)) refuseKey(response, info, delay);
    else if (limit !== undefined && inWindow > limit) refuseRate(response, info, limit, inWindow, now);
    else answer(request, response, url, info, delay);
  };
}

/** A v4 token in the Authorization header or a v3 key in the query; any non-empty one without `keys`. */
function authorised(request: IncomingMessage, url: URL, keys: ReadonlySet<string> | undefined): boolean {
  const header = request.headers.authorization;
  const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
  const apiKey = url.searchParams.get('api_key') ?? undefined;
  const presented = [bearer, apiKey].filter((key): key is string => Boolean(key));
  if (presented.length === 0) return false;
  return keys ? presented.some((key) => keys.has(key)) : true;
}
