import type { z } from 'zod';
import type { Logger } from '../config/logger.js';
import { TmdbAbortedError, TmdbAuthError, TmdbNotFoundError, TmdbRequestError } from './errors.js';
import { type RateLimiter, Semaphore } from './rate-limiter.js';
import {
  type DiscoverPage,
  discoverPageSchema,
  type Genre,
  genreListSchema,
  type MovieDetails,
  movieDetailsSchema,
  tmdbErrorBodySchema,
} from './schemas.js';

export type TmdbAuthMode = 'bearer' | 'api_key';

/** A v4 read access token is a JWT (base64 of `{"`, hence `eyJ`); anything else is a v3 key. */
export function detectAuthMode(apiKey: string): TmdbAuthMode {
  return apiKey.startsWith('eyJ') ? 'bearer' : 'api_key';
}

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
  hedge?: { minMs: number; maxMs: number } | false;
  /** Cancels every request of this client, e.g. when the run is stopped. */
  signal?: AbortSignal;
  random?: () => number;
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
  /** Throws TmdbNotFoundError when TMDB no longer has the film. */
  movieDetails(id: number, signal?: AbortSignal): Promise<MovieDetails>;
  genres(signal?: AbortSignal): Promise<Genre[]>;
}

type Outcome<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  | { kind: 'fail'; error: Error };

/**
 * Queue order for a free connection. A retry or hedge has waited already; a listing unlocks more
 * work (a discover page brings 20 films); details are the bulk and can wait behind both.
 */
const PRIORITY = { details: 0, listing: 1, again: 2 } as const;

interface Call<T> {
  path: string;
  url: string;
  schema: z.ZodType<T>;
}

const LATENCY_SAMPLES = 200;
/** Extra copies of one silent request at most. */
const MAX_HEDGES = 2;
/** Two 429s closer than this are not jitter. */
const REPEATED_429_MS = 3_000;

export function createTmdbClient(options: TmdbClientOptions): TmdbClient {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const log = options.logger.child({ component: 'tmdb' });
  const random = options.random ?? Math.random;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxAttempts = options.maxAttempts ?? 6;
  const backoffBaseMs = options.backoffBaseMs ?? 200;
  const backoffMaxMs = options.backoffMaxMs ?? 8_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  const hedge = options.hedge ?? { minMs: 500, maxMs: Math.min(5_000, timeoutMs / 2) };
  const semaphore = new Semaphore(options.concurrency ?? 20);
  const authMode = detectAuthMode(options.apiKey);
  const base = options.baseUrl.replace(/\/+$/, '');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (authMode === 'bearer') headers.authorization = `Bearer ${options.apiKey}`;

  const stats: TmdbClientStats = { apiCalls: 0, retries: 0, rateLimited: 0, hedges: 0 };
  const latencies: number[] = [];
  let latencyCursor = 0;
  let pausedUntil = 0;
  let last429At = Number.NEGATIVE_INFINITY;
  let authError: TmdbAuthError | undefined;
  // Aborted on the first 401 so that every queued and open request ends at once.
  const stop = new AbortController();
  const runSignals = options.signal ? [stop.signal, options.signal] : [stop.signal];

  /** Server text can be echoed into reasons; make sure the key can never ride along. */
  const scrub = (text: string) => text.split(options.apiKey).join('[redacted]');

  function urlFor(path: string, params: Record<string, string | number>): string {
    const url = new URL(base + path);
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, String(value));
    if (authMode === 'api_key') url.searchParams.set('api_key', options.apiKey);
    return url.toString();
  }

  function hedgeDelay(limits: { minMs: number; maxMs: number }): number {
    if (latencies.length < 20) return limits.maxMs;
    const sorted = [...latencies].sort((a, b) => a - b);
    const p95 = sorted[Math.floor(sorted.length * 0.95)];
    return Math.min(limits.maxMs, Math.max(limits.minMs, 4 * p95));
  }

  function recordLatency(ms: number): void {
    latencies[latencyCursor] = ms;
    latencyCursor = (latencyCursor + 1) % LATENCY_SAMPLES;
  }

  function backoff(attempt: number): number {
    const cap = Math.min(backoffMaxMs, backoffBaseMs * 2 ** (attempt - 1));
    return cap / 2 + (random() * cap) / 2;
  }

  function parseRetryAfter(value: string | null): number | undefined {
    if (value === null) return undefined;
    const seconds = Number(value);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
    return Number.isFinite(ms) ? Math.min(maxRetryAfterMs, Math.max(0, ms)) : undefined;
  }

  async function attempt<T>(
    { path, url, schema }: Call<T>,
    signal: AbortSignal,
    priority: number,
    onSent: () => void,
  ): Promise<Outcome<T>> {
    const release = await semaphore.acquire(signal, priority);
    try {
      await sleep(pausedUntil - performance.now(), signal);
      await options.rateLimiter.acquire(signal);
      stats.apiCalls += 1;
      onSent();
      const timeout = AbortSignal.timeout(timeoutMs);
      const started = performance.now();
      let status: number;
      let retryAfter: string | null;
      let body: string;
      try {
        const response = await fetchImpl(url, { headers, signal: AbortSignal.any([signal, timeout]) });
        status = response.status;
        retryAfter = response.headers.get('retry-after');
        body = await response.text();
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        if (timeout.aborted) return { kind: 'retry', reason: `no answer within ${timeoutMs} ms` };
        return { kind: 'retry', reason: scrub(describeNetworkError(error)) };
      }
      if (status === 200) {
        const parsed = parseBody(body, schema);
        if (parsed.kind === 'ok') recordLatency(performance.now() - started);
        return parsed;
      }
      const message = tmdbMessage(body);
      const detail = message ? `: ${scrub(message)}` : '';
      if (status === 401) return { kind: 'fail', error: new TmdbAuthError(message && scrub(message)) };
      if (status === 404) return { kind: 'fail', error: new TmdbNotFoundError(path) };
      if (status === 429) {
        stats.rateLimited += 1;
        return { kind: 'retry', reason: `HTTP 429${detail}`, retryAfterMs: parseRetryAfter(retryAfter) };
      }
      if (status >= 500 || status === 408) return { kind: 'retry', reason: `HTTP ${status}${detail}` };
      return { kind: 'fail', error: new TmdbRequestError(path, 1, `HTTP ${status}${detail}`) };
    } finally {
      release();
    }
  }

  /**
   * One logical attempt. While the newest request of it stays silent for longer than the hedge
   * delay, the same request goes out once more (at most MAX_HEDGES times), and the first answer
   * of any of them settles it: a success, a 404 or 401, or a failure worth retrying. A failure
   * settles it too, because by then any request still open has been silent for too long anyway.
   */
  function hedged<T>(call: Call<T>, signal: AbortSignal, priority: number): Promise<Outcome<T>> {
    if (hedge === false) return attempt(call, signal, priority, () => {});
    const limits = hedge;
    return new Promise<Outcome<T>>((resolve, reject) => {
      const controllers: AbortController[] = [];
      let open = 0;
      let hedges = 0;
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (settle: () => void) => {
        settled = true;
        clearTimeout(timer);
        for (const controller of controllers) controller.abort();
        settle();
      };
      const onSent = () => {
        if (settled || hedges >= MAX_HEDGES) return;
        clearTimeout(timer);
        timer = setTimeout(() => {
          if (settled) return;
          hedges += 1;
          stats.hedges += 1;
          log.debug({ path: call.path }, 'TMDB request silent for too long, sending it once more');
          launch(PRIORITY.again);
        }, hedgeDelay(limits));
      };
      const launch = (launchPriority: number) => {
        const own = new AbortController();
        controllers.push(own);
        open += 1;
        attempt(call, AbortSignal.any([signal, own.signal]), launchPriority, onSent).then(
          (outcome) => {
            open -= 1;
            if (!settled) finish(() => resolve(outcome));
          },
          (error: unknown) => {
            open -= 1;
            if (!settled && (signal.aborted || open === 0)) finish(() => reject(error));
          },
        );
      };
      launch(priority);
    });
  }

  async function sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (ms <= 0) return;
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  async function get<T>(
    path: string,
    params: Record<string, string | number>,
    schema: z.ZodType<T>,
    priority: number,
    callerSignal?: AbortSignal,
  ): Promise<T> {
    const signal = AbortSignal.any(callerSignal ? [...runSignals, callerSignal] : runSignals);
    const call: Call<T> = { path, url: urlFor(path, params), schema };
    let reason = '';
    try {
      for (let attemptNo = 1; attemptNo <= maxAttempts; attemptNo += 1) {
        if (signal.aborted) throw signal.reason;
        const outcome = await hedged(call, signal, attemptNo === 1 ? priority : PRIORITY.again);
        if (outcome.kind === 'ok') return outcome.value;
        if (outcome.kind === 'fail') {
          if (outcome.error instanceof TmdbAuthError && !authError) {
            authError = outcome.error;
            log.error({ path }, authError.message);
            stop.abort(authError);
          }
          throw outcome.error;
        }
        reason = outcome.reason;
        if (attemptNo === maxAttempts) break;
        let delay = backoff(attemptNo);
        if (outcome.retryAfterMs !== undefined) {
          delay = outcome.retryAfterMs + random() * backoffBaseMs;
          // A lone 429 is jitter between our clock and the server's at the edge of a one-second
          // window: the bucket keeps the others under the rate, so only this request waits. A
          // second one soon after means we really are too fast, and then everything waits.
          const now = performance.now();
          if (now - last429At < REPEATED_429_MS)
            pausedUntil = Math.max(pausedUntil, now + outcome.retryAfterMs);
          last429At = now;
        }
        stats.retries += 1;
        log.debug({ path, attempt: attemptNo, reason, delayMs: Math.round(delay) }, 'TMDB request retried');
        await sleep(delay, signal);
      }
    } catch (error) {
      if (authError) throw authError;
      if (signal.aborted && error === signal.reason) throw new TmdbAbortedError(path);
      throw error;
    }
    log.warn({ path, attempts: maxAttempts, reason }, 'TMDB request gave up');
    throw new TmdbRequestError(path, maxAttempts, reason);
  }

  return {
    authMode,
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
        PRIORITY.listing,
        signal,
      );
    },
    movieDetails(id, signal) {
      return get(`/movie/${id}`, {}, movieDetailsSchema, PRIORITY.details, signal);
    },
    async genres(signal) {
      return (await get('/genre/movie/list', {}, genreListSchema, PRIORITY.listing, signal)).genres;
    },
  };
}

function parseBody<T>(body: string, schema: z.ZodType<T>): Outcome<T> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { kind: 'retry', reason: `malformed JSON body (${body.length} bytes)` };
  }
  const result = schema.safeParse(json);
  if (result.success) return { kind: 'ok', value: result.data };
  const issue = result.error.issues[0];
  return {
    kind: 'retry',
    reason: `unexpected answer: ${issue ? `${issue.path.join('.') || '(root)'} ${issue.message}` : 'invalid'}`,
  };
}

function tmdbMessage(body: string): string | undefined {
  try {
    const parsed = tmdbErrorBodySchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data.status_message : undefined;
  } catch {
    return undefined;
  }
}

/** undici wraps socket failures as `TypeError: fetch failed` with the useful part in `cause`. */
function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code ? `${cause.message} (${code})` : cause.message;
  }
  return error.message;
}
