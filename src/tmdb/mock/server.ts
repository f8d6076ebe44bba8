import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { byPopularity, type CatalogFilm, TMDB_MOVIE_GENRES } from '../catalog.js';
import { generateDemoCatalog } from '../demo-catalog.js';
import { createRandom } from '../random.js';

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

export interface MockRequestInfo {
  endpoint: 'discover' | 'movie' | 'genres' | 'other';
  /** Path and query without the api_key parameter, e.g. `/discover/movie?page=2&…`. */
  target: string;
}

export interface MockTmdbOptions {
  port?: number;
  host?: string;
  /** The films served; a seeded demo catalogue when omitted. */
  catalog?: readonly CatalogFilm[];
  /** Accepted v3 keys and v4 tokens; when omitted any non-empty key is accepted. */
  apiKeys?: readonly string[];
  /** Requests per second above which the answer is 429 with Retry-After; unlimited when omitted. */
  rateLimit?: number;
  latencyMs?: number;
  /** Latency varies uniformly by up to this much either way. */
  latencyJitterMs?: number;
  faults?: MockFaults;
  /** Decides a fault for one request (tests that need a specific failure); overrides `faults`. */
  inject?: (request: MockRequestInfo) => FaultKind | undefined;
  /** Films that discover lists but whose details answer 404, as when TMDB removes one. */
  notFoundIds?: readonly number[];
  seed?: number;
  /** Requests kept in `stats.log`, oldest dropped first. */
  logLimit?: number;
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

export interface MockTmdb {
  /** Base URL to use as TMDB_API_BASE, e.g. http://127.0.0.1:41234/3. */
  url: string;
  port: number;
  stats: MockTmdbStats;
  catalog: readonly CatalogFilm[];
  /** Changes latency, faults, rate limit or injection while running. */
  update(
    options: Pick<MockTmdbOptions, 'rateLimit' | 'latencyMs' | 'latencyJitterMs' | 'faults' | 'inject'>,
  ): void;
  resetStats(): void;
  close(): Promise<void>;
}

const PAGE_SIZE = 20;
const MAX_PAGES = 500;

function emptyStats(): MockTmdbStats {
  return {
    requests: 0,
    byEndpoint: { discover: 0, movie: 0, genres: 0, other: 0 },
    byStatus: {},
    faults: { '500': 0, '502': 0, '503': 0, truncated: 0, reset: 0, stall: 0 },
    maxPerSecond: 0,
    log: [],
  };
}

/** A TMDB look-alike for tests, benchmarks and the demo shape. Answers only what Horrorcast asks. */
export async function startMockTmdb(options: MockTmdbOptions = {}): Promise<MockTmdb> {
  const settings = { ...options };
  const catalog = options.catalog ?? generateDemoCatalog({ seed: options.seed });
  const byId = new Map(catalog.map((film) => [film.id, film]));
  const notFound = new Set(options.notFoundIds ?? []);
  const random = createRandom(options.seed ?? 7);
  const keys = options.apiKeys ? new Set(options.apiKeys) : undefined;
  const logLimit = options.logLimit ?? 200_000;
  const discoverCache = new Map<string, CatalogFilm[]>();
  const started = performance.now();
  const arrivals: number[] = [];
  let arrivalsHead = 0;
  const stalls = new Set<NodeJS.Timeout>();
  let stats = emptyStats();

  /** Counts this arrival and returns how many arrived in the last second, this one included. */
  function countArrival(now: number): number {
    arrivals.push(now);
    while (arrivals[arrivalsHead] <= now - 1000) arrivalsHead += 1;
    if (arrivalsHead > 4096) {
      arrivals.splice(0, arrivalsHead);
      arrivalsHead = 0;
    }
    const inWindow = arrivals.length - arrivalsHead;
    stats.maxPerSecond = Math.max(stats.maxPerSecond, inWindow);
    return inWindow;
  }

  function record(info: MockRequestInfo, status: number | FaultKind): void {
    stats.byStatus[String(status)] = (stats.byStatus[String(status)] ?? 0) + 1;
    if (stats.log.length >= logLimit) stats.log.shift();
    stats.log.push({ ...info, at: Math.round(performance.now() - started), status });
  }

  function authorised(request: IncomingMessage, url: URL): boolean {
    const header = request.headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const apiKey = url.searchParams.get('api_key') ?? undefined;
    const presented = [bearer, apiKey].filter((key): key is string => Boolean(key));
    if (presented.length === 0) return false;
    return keys ? presented.some((key) => keys.has(key)) : true;
  }

  function pickFault(info: MockRequestInfo): FaultKind | undefined {
    if (settings.inject) return settings.inject(info);
    const faults = settings.faults;
    if (!faults || !(faults.rate > 0) || !random.chance(faults.rate)) return undefined;
    const weights = FAULT_KINDS.map((kind) => [kind, faults.kinds ? (faults.kinds[kind] ?? 0) : 1] as const);
    return random.weighted(weights.filter(([, weight]) => weight > 0));
  }

  function discover(url: URL): { status: number; body: unknown } {
    const page = Number(url.searchParams.get('page') ?? '1');
    if (!Number.isInteger(page) || page < 1 || page > MAX_PAGES) {
      return tmdbError(
        400,
        22,
        'Invalid page: Pages start at 1 and max at 500. They are expected to be an integer.',
      );
    }
    const films = discoverList(url);
    const totalPages = Math.min(MAX_PAGES, Math.ceil(films.length / PAGE_SIZE));
    const results = films.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map(discoverEntry);
    return { status: 200, body: { page, results, total_pages: totalPages, total_results: films.length } };
  }

  function discoverList(url: URL): CatalogFilm[] {
    const year = url.searchParams.get('primary_release_year');
    const genres = url.searchParams.get('with_genres') ?? '';
    const minVotes = Number(url.searchParams.get('vote_count.gte') ?? '0');
    const sortBy = url.searchParams.get('sort_by') ?? 'popularity.desc';
    const key = `${year}|${genres}|${minVotes}|${sortBy}`;
    const cached = discoverCache.get(key);
    if (cached) return cached;
    // TMDB reads "a,b" as both genres and "a|b" as either.
    const anyOf = genres.includes('|');
    const wanted = genres
      .split(/[,|]/)
      .map(Number)
      .filter((id) => Number.isInteger(id) && id > 0);
    const films = catalog.filter((film) => {
      if (year && film.release_date.slice(0, 4) !== year) return false;
      if (film.vote_count < minVotes) return false;
      if (wanted.length === 0) return true;
      const has = (id: number) => film.genres.some((genre) => genre.id === id);
      return anyOf ? wanted.some(has) : wanted.every(has);
    });
    films.sort(sorter(sortBy));
    discoverCache.set(key, films);
    return films;
  }

  function details(id: number): { status: number; body: unknown } {
    const film = byId.get(id);
    if (!film || notFound.has(id))
      return tmdbError(404, 34, 'The resource you requested could not be found.');
    return { status: 200, body: film };
  }

  function route(url: URL): { status: number; body: unknown } {
    const path = url.pathname.replace(/^\/3(?=\/)/, '').replace(/\/+$/, '');
    if (path === '/discover/movie') return discover(url);
    if (path === '/genre/movie/list') return { status: 200, body: { genres: TMDB_MOVIE_GENRES } };
    const movie = /^\/movie\/(\d+)$/.exec(path);
    if (movie) return details(Number(movie[1]));
    return tmdbError(404, 34, 'The resource you requested could not be found.');
  }

  function send(
    response: ServerResponse,
    status: number,
    body: string,
    extra: Record<string, string> = {},
  ): void {
    response.writeHead(status, {
      'content-type': 'application/json;charset=utf-8',
      'content-length': Buffer.byteLength(body),
      ...extra,
    });
    response.end(body);
  }

  function later(ms: number, action: () => void, response: ServerResponse): void {
    if (ms <= 0) {
      action();
      return;
    }
    const timer = setTimeout(() => {
      stalls.delete(timer);
      if (!response.destroyed) action();
    }, ms);
    stalls.add(timer);
    response.once('close', () => {
      clearTimeout(timer);
      stalls.delete(timer);
    });
  }

  function handle(request: IncomingMessage, response: ServerResponse): void {
    const now = performance.now();
    const url = new URL(request.url ?? '/', 'http://mock');
    url.searchParams.delete('api_key');
    const info: MockRequestInfo = {
      endpoint: endpointOf(url.pathname),
      target: `${url.pathname}${url.search}`,
    };
    stats.requests += 1;
    stats.byEndpoint[info.endpoint] += 1;
    const inWindow = countArrival(now);
    const jitter = settings.latencyJitterMs ?? 0;
    const latency = Math.max(0, (settings.latencyMs ?? 0) + (random.next() * 2 - 1) * jitter);

    if (!authorised(request, new URL(request.url ?? '/', 'http://mock'))) {
      record(info, 401);
      const error = tmdbError(401, 7, 'Invalid API key: You must be granted a valid key.');
      later(latency, () => send(response, error.status, JSON.stringify(error.body)), response);
      return;
    }
    if (settings.rateLimit !== undefined && inWindow > settings.rateLimit) {
      record(info, 429);
      const oldest = arrivals[arrivals.length - settings.rateLimit - 1] ?? now;
      const retryAfter = Math.max(1, Math.ceil((oldest + 1000 - now) / 1000));
      const body = tmdbError(
        429,
        25,
        `Your request count (${inWindow}) is over the allowed limit of (${settings.rateLimit}).`,
      ).body;
      send(response, 429, JSON.stringify(body), { 'retry-after': String(retryAfter) });
      return;
    }

    const fault = pickFault(info);
    if (fault) {
      stats.faults[fault] += 1;
      record(info, fault);
    }
    if (fault === 'reset') {
      request.socket.resetAndDestroy();
      return;
    }
    if (fault === '500' || fault === '502' || fault === '503') {
      const code = Number(fault);
      const body = JSON.stringify({
        status_code: 11,
        status_message: 'Internal error: Something went wrong, contact TMDb.',
      });
      later(latency, () => send(response, code, body), response);
      return;
    }
    const answer = route(url);
    if (!fault) record(info, answer.status);
    const body = JSON.stringify(answer.body);
    if (fault === 'truncated') {
      later(
        latency,
        () => send(response, answer.status, body.slice(0, Math.floor(body.length / 2))),
        response,
      );
      return;
    }
    const delay = fault === 'stall' ? (settings.faults?.stallMs ?? 30_000) : latency;
    later(delay, () => send(response, answer.status, body), response);
  }

  const server = createServer(handle);
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}/3`,
    port: address.port,
    get stats() {
      return stats;
    },
    catalog,
    update(changes) {
      Object.assign(settings, changes);
    },
    resetStats() {
      stats = emptyStats();
    },
    async close() {
      for (const timer of stalls) clearTimeout(timer);
      stalls.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function endpointOf(pathname: string): MockRequestInfo['endpoint'] {
  const path = pathname.replace(/^\/3(?=\/)/, '');
  if (path.startsWith('/discover/movie')) return 'discover';
  if (path.startsWith('/genre/movie/list')) return 'genres';
  if (/^\/movie\/\d+/.test(path)) return 'movie';
  return 'other';
}

function tmdbError(status: number, code: number, message: string): { status: number; body: unknown } {
  return { status, body: { success: false, status_code: code, status_message: message } };
}

function sorter(sortBy: string): (a: CatalogFilm, b: CatalogFilm) => number {
  const [field, direction] = sortBy.split('.');
  const sign = direction === 'asc' ? -1 : 1;
  switch (field) {
    case 'vote_count':
      return (a, b) => sign * (b.vote_count - a.vote_count) || a.id - b.id;
    case 'vote_average':
      return (a, b) => sign * (b.vote_average - a.vote_average) || a.id - b.id;
    case 'primary_release_date':
      return (a, b) => sign * b.release_date.localeCompare(a.release_date) || a.id - b.id;
    default:
      return direction === 'asc' ? (a, b) => -byPopularity(a, b) : byPopularity;
  }
}

function discoverEntry(film: CatalogFilm) {
  return {
    adult: film.adult,
    backdrop_path: film.backdrop_path,
    genre_ids: film.genres.map((genre) => genre.id),
    id: film.id,
    original_language: film.original_language,
    original_title: film.original_title,
    overview: film.overview,
    popularity: film.popularity,
    poster_path: film.poster_path,
    release_date: film.release_date,
    title: film.title,
    video: false,
    vote_average: film.vote_average,
    vote_count: film.vote_count,
  };
}
