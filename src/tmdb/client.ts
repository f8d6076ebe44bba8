import type { z } from 'zod';
import type { Logger } from '../config/logger.js';
import { TmdbAbortedError, TmdbAuthError, TmdbNotFoundError, TmdbRequestError } from './errors.js';
import { type HedgeLimits, hedge, LatencyWindow } from './hedge.js';
import { RateLimitCooldown, REQUEST_PRIORITY, RequestGate } from './pacing.js';
import type { RateLimiter } from './rate-limiter.js';
import { withRetries } from './retry.js';
import {
  type DiscoverPage,
  discoverPageSchema,
  type Genre,
  genreListSchema,
  jsonObjectSchema,
  type MovieDetails,
  readMovieDetails,
} from './schemas.js';
import { createTransport, type Outcome, type TmdbAuthMode, type TmdbCall } from './transport.js';

export { detectAuthMode, type TmdbAuthMode } from './transport.js';

export interface DiscoverQuery {
  year: number;
  /** TMDB ANDs the ids (comma-separated); Horrorcast asks for 27, horror. */
  withGenres: readonly number[];
  minVotes: number;
  page: number;
  sortBy?: string;
}

export interface TmdbClientOptions {
  baseUrl: string;
  apiKey: string;
  rateLimiter: RateLimiter;
  logger: Logger;
  fetch?: typeof fetch;
  /** Open requests at most (TMDB_CONCURRENCY). */
  concurrency?: number;
  /** Per attempt, from sending to the last byte of the body. */
  timeoutMs?: number;
  /** Attempts per request, the first included. */
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Longest Retry-After we obey; a longer one is clipped so one answer cannot park a run for hours. */
  maxRetryAfterMs?: number;
  /**
   * A request silent for longer than this (derived from recent latencies, within these bounds) is
   * sent again, up to twice, and the first answer wins: one stalled connection at the end of a run
   * would otherwise add the whole timeout to the wall time. `false` turns it off.
   */
  hedge?: HedgeLimits | false;
  /** Cancels every request of this client, e.g. when the run is stopped. */
  signal?: AbortSignal;
  random?: () => number;
  /** Told about every request, retry, 429 and final failure (metrics); nothing is asked back. */
  observer?: TmdbObserver;
}

/** Hooks for counting what the client does; each is optional. */
export interface TmdbObserver {
  /** An HTTP request was sent (retries and hedged copies included). */
  request?(): void;
  retry?(): void;
  /** TMDB answered 429. */
  rateLimited?(): void;
  /** A request failed for good: every attempt used, or an error no retry can fix. */
  failure?(): void;
}

export interface TmdbClientStats {
  /** HTTP requests sent, retries and hedges included: what TMDB counts against the rate limit. */
  apiCalls: number;
  retries: number;
  rateLimited: number;
  hedges: number;
}

export interface TmdbClient {
  readonly authMode: TmdbAuthMode;
  readonly stats: Readonly<TmdbClientStats>;
  discoverMovies(query: DiscoverQuery, signal?: AbortSignal): Promise<DiscoverPage>;
  /**
   * A film's details with its keywords and release dates, in one request. Throws TmdbNotFoundError
   * when TMDB no longer has the film, TmdbRequestError naming the field when the answer is unreadable.
   */
  movieDetails(id: number, signal?: AbortSignal): Promise<MovieDetails>;
  genres(signal?: AbortSignal): Promise<Genre[]>;
}

const LATENCY_SAMPLES = 200;
/** Keywords and release dates ride along with the details, so a film costs one request. */
const DETAILS_APPENDED = { append_to_response: 'keywords,release_dates' };
/** Extra copies of one silent request at most. */
const MAX_HEDGES = 2;

/**
 * The TMDB client: each request is paced (connection cap, 429 cool-down, rate limiter), sent by
 * the transport, hedged when silent and retried with backoff. The first 401 stops every request
 * of the client, since nothing else can succeed with that key.
 */
export function createTmdbClient(options: TmdbClientOptions): TmdbClient {
  const log = options.logger.child({ component: 'tmdb' });
  const random = options.random ?? Math.random;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxAttempts = options.maxAttempts ?? 6;
  const backoff = { baseMs: options.backoffBaseMs ?? 200, maxMs: options.backoffMaxMs ?? 8_000 };
  const hedgeLimits = options.hedge ?? { minMs: 500, maxMs: Math.min(5_000, timeoutMs / 2) };
  const transport = createTransport({
    baseUrl: options.baseUrl,
    apiKey: options.apiKey,
    fetch: options.fetch,
    timeoutMs,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
  });
  const cooldown = new RateLimitCooldown();
  const gate = new RequestGate({
    concurrency: options.concurrency ?? 20,
    rateLimiter: options.rateLimiter,
    cooldown,
  });
  const latencies = new LatencyWindow(LATENCY_SAMPLES);
  const stats: TmdbClientStats = { apiCalls: 0, retries: 0, rateLimited: 0, hedges: 0 };
  const observer = options.observer ?? {};
  let authError: TmdbAuthError | undefined;
  // Aborted on the first 401 so that every queued and open request ends at once.
  const stop = new AbortController();
  const runSignals = options.signal ? [stop.signal, options.signal] : [stop.signal];

  /** One request on the wire, once the gate lets it through. */
  function send<T>(call: TmdbCall<T>, signal: AbortSignal, priority: number, onSent: () => void) {
    return gate.run(signal, priority, async (): Promise<Outcome<T>> => {
      stats.apiCalls += 1;
      observer.request?.();
      onSent();
      const outcome = await transport.send(call, signal);
      if (outcome.kind === 'ok') latencies.record(outcome.latencyMs);
      if (outcome.kind === 'retry' && outcome.rateLimited) {
        stats.rateLimited += 1;
        observer.rateLimited?.();
      }
      return outcome;
    });
  }

  function attempt<T>(call: TmdbCall<T>, signal: AbortSignal, priority: number): Promise<Outcome<T>> {
    if (hedgeLimits === false) return send(call, signal, priority, () => {});
    const limits = hedgeLimits;
    return hedge((copySignal, copyPriority, onSent) => send(call, copySignal, copyPriority, onSent), {
      signal,
      priority,
      againPriority: REQUEST_PRIORITY.again,
      maxHedges: MAX_HEDGES,
      delayMs: () => latencies.hedgeDelay(limits),
      onHedge: () => {
        stats.hedges += 1;
        log.debug({ path: call.path }, 'TMDB request silent for too long, sending it once more');
      },
    });
  }

  function stopOnAuthError(error: unknown, path: string): void {
    if (!(error instanceof TmdbAuthError) || authError) return;
    authError = error;
    log.error({ path }, authError.message);
    stop.abort(authError);
  }

  async function get<T>(
    path: string,
    params: Record<string, string | number>,
    schema: z.ZodType<T>,
    priority: number,
    callerSignal?: AbortSignal,
  ): Promise<T> {
    const signal = AbortSignal.any(callerSignal ? [...runSignals, callerSignal] : runSignals);
    const call = transport.call(path, params, schema);
    try {
      return await withRetries(
        (attemptNo) => attempt(call, signal, attemptNo === 1 ? priority : REQUEST_PRIORITY.again),
        {
          path,
          signal,
          maxAttempts,
          backoff,
          random,
          onRetryAfter: (retryAfterMs) => cooldown.rateLimited(retryAfterMs),
          onRetry: ({ attempt: attemptNo, reason, delayMs }) => {
            stats.retries += 1;
            observer.retry?.();
            log.debug(
              { path, attempt: attemptNo, reason, delayMs: Math.round(delayMs) },
              'TMDB request retried',
            );
          },
          onGiveUp: (reason) => log.warn({ path, attempts: maxAttempts, reason }, 'TMDB request gave up'),
        },
      );
    } catch (error) {
      // A 404 is an answer (the film is gone), and a stop is not TMDB's failure.
      if (!(error instanceof TmdbNotFoundError) && !signal.aborted) observer.failure?.();
      stopOnAuthError(error, path);
      if (authError) throw authError;
      if (signal.aborted && error === signal.reason) throw new TmdbAbortedError(path);
      throw error;
    }
  }

  return {
    authMode: transport.authMode,
    stats,
    discoverMovies(query, signal) {
      return get(
        '/discover/movie',
        {
          primary_release_year: query.year,
          with_genres: query.withGenres.join(','),
          'vote_count.gte': query.minVotes,
          sort_by: query.sortBy ?? 'popularity.desc',
          page: query.page,
        },
        discoverPageSchema,
        REQUEST_PRIORITY.listing,
        signal,
      );
    },
    async movieDetails(id, signal) {
      const path = `/movie/${id}`;
      // Any JSON object passes the transport: a field of the wrong type is no reason to ask again.
      const answer = await get(path, DETAILS_APPENDED, jsonObjectSchema, REQUEST_PRIORITY.details, signal);
      const read = readMovieDetails(answer);
      if ('problem' in read) throw new TmdbRequestError(path, 1, read.problem);
      return read.details;
    },
    async genres(signal) {
      return (await get('/genre/movie/list', {}, genreListSchema, REQUEST_PRIORITY.listing, signal)).genres;
    },
  };
}
