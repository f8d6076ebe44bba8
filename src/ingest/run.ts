import type { Logger } from '../config/logger.js';
import {
  describeStorageCause,
  type IngestRunUpdate,
  type IngestStatus,
  isStorageError,
  type MovieInput,
  type OutageOptions,
  type RunLiveness,
  runLiveness,
  type SnapshotInput,
  type Stores,
  startHeartbeat,
} from '../persistence/index.js';
import type { TmdbClient } from '../tmdb/client.js';
import { TmdbAbortedError, TmdbAuthError, TmdbNotFoundError } from '../tmdb/errors.js';
import { RateLimiterUnavailableError } from '../tmdb/rate-limiter.js';
import type { DiscoverMovie, DiscoverPage, MovieDetails } from '../tmdb/schemas.js';
import { guardFilmSource } from './source-guard.js';
import type { IngestFailure, IngestOptions, IngestProgress, IngestSummary } from './types.js';

export interface IngestDeps {
  stores: Stores;
  tmdb: TmdbClient;
  logger: Logger;
  now?: () => Date;
  /** Heartbeat interval and stale threshold (RUN_STALE_AFTER_S). */
  liveness?: RunLiveness;
  /** How long a lost database is waited out before the run fails (OUTAGE_TIMEOUT_S). */
  outageTimeoutMs?: number;
}

/** A run that stopped early; `cause` is what stopped it (e.g. TmdbAuthError), `summary` what it did. */
export class IngestRunFailedError extends Error {
  override name = 'IngestRunFailedError';
  constructor(
    readonly summary: IngestSummary,
    cause: unknown,
  ) {
    super(summary.error ?? 'collection failed', { cause });
  }
}

const HORROR = 27;
const DEFAULT_OUTAGE_TIMEOUT_MS = 180_000;
const DAY_MS = 86_400_000;
/** Failures kept in the run record; the count stays exact beyond it. */
const MAX_RECORDED_FAILURES = 500;

interface PageWork {
  films: MovieInput[];
  snapshots: Array<Omit<SnapshotInput, 'ingest_run_id'>>;
}

/**
 * One collection run (SPEC §3). Every year's page 1 goes out at once; each answer releases that
 * year's other pages and its films' details, so the token bucket always has work queued and the
 * run is paced by TMDB_RATE_LIMIT rather than by latency. A page's films and snapshots are written
 * together in one transaction once their details are in, so a run killed at any moment leaves
 * whole pages behind, and the next run finds what is missing (films without details) and fills it.
 */
export async function runIngest(deps: IngestDeps, options: IngestOptions): Promise<IngestSummary> {
  const { stores } = deps;
  const runs = stores.collectionRuns;
  const { tmdb } = deps;
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({ component: 'ingest' });
  const source = options.source ?? 'tmdb';
  const maxAgeMs = (options.detailsMaxAgeDays ?? 7) * DAY_MS;
  const startedAt = performance.now();
  const apiCallsBefore = tmdb.stats.apiCalls;
  const years: number[] = [];
  for (let year = options.fromYear; year <= options.toYear; year += 1) years.push(year);

  const liveness = deps.liveness ?? runLiveness();
  const outage = { timeoutMs: deps.outageTimeoutMs ?? DEFAULT_OUTAGE_TIMEOUT_MS };
  await guardFilmSource(stores, source, { allowMixed: options.allowMixedSources, now });
  const interrupted = await runs.settleStale(now().toISOString(), liveness.staleAfterMs);
  if (interrupted) log.warn({ interrupted }, 'earlier runs were interrupted; this run completes their work');
  const resumed = options.jobId ? await runs.resumable(options.jobId) : undefined;
  const runId =
    resumed?.id ??
    (await runs.start({
      source,
      jobId: options.jobId ?? null,
      yearFrom: options.fromYear,
      yearTo: options.toYear,
      startedAt: now().toISOString(),
    }));
  if (resumed) {
    // A fresh heartbeat at once: the row's old one would let another look settle it again.
    await runs.update(runId, {
      status: 'running',
      finished_at: null,
      error: null,
      heartbeat_at: now().toISOString(),
    });
    log.info({ runId, jobId: options.jobId }, 'resuming the unfinished run of this job');
  }
  const heartbeat = startHeartbeat(
    (at) => runs.heartbeat(runId, at),
    liveness.heartbeatMs,
    (error) => log.warn({ runId, err: error }, 'could not record the heartbeat; trying again'),
    now,
  );
  log.info({ runId, source, years: [options.fromYear, options.toYear] }, 'collection started');

  // Aborted on the first fatal error (key rejected, run cancelled, database gone) to end everything at once.
  const halt = new AbortController();
  const signal = options.signal ? AbortSignal.any([halt.signal, options.signal]) : halt.signal;
  let fatal: unknown;
  // A resumed run keeps what its row says was written (the row moves with the data); its
  // snapshots are not written twice. Discover pages are all fetched again, so they count afresh.
  const counts = {
    pages: 0,
    newFilms: resumed?.new_films ?? 0,
    updatedFilms: resumed?.updated_films ?? 0,
    snapshots: resumed?.snapshots ?? 0,
    detailsFetched: 0,
  };
  const failures: IngestFailure[] = [];
  // A resumed run adds its earlier attempts' API calls and failures to this one's.
  let failureCount = resumed?.failure_count ?? 0;
  const earlierApiCalls = resumed?.api_calls ?? 0;
  const seen = new Set<number>();
  const plannedPages = new Map<number, number>(years.map((year) => [year, 1]));
  const tasks = new Set<Promise<void>>();

  const apiCalls = () => earlierApiCalls + tmdb.stats.apiCalls - apiCallsBefore;
  const fail = (failure: IngestFailure) => {
    failureCount += 1;
    if (failures.length < MAX_RECORDED_FAILURES) failures.push(failure);
    log.warn(failure, 'collection failure recorded');
  };
  const isFatal = (error: unknown) =>
    error instanceof TmdbAuthError ||
    error instanceof TmdbAbortedError ||
    // A lost shared rate limiter (Redis) stops the run: it is no film's failure.
    error instanceof RateLimiterUnavailableError ||
    signal.aborted;
  // A refusing disk is named as such ("disk full") rather than in the driver's words alone.
  const describe = (error: unknown) =>
    isStorageError(error)
      ? describeStorageCause(error)
      : error instanceof Error
        ? error.message
        : String(error);

  /** Runs a task in the background; the first fatal error stops the whole run. */
  function spawn(task: () => Promise<void>): void {
    const promise = task()
      .catch((error: unknown) => {
        if (fatal === undefined) {
          fatal = error;
          halt.abort(error);
        }
      })
      .finally(() => tasks.delete(promise));
    tasks.add(promise);
  }

  async function idle(): Promise<void> {
    while (tasks.size > 0) await Promise.all(tasks);
  }

  function progress(): IngestProgress {
    const pagesPlanned = [...plannedPages.values()].reduce((sum, pages) => sum + pages, 0);
    return {
      runId,
      pagesDone: counts.pages,
      pagesPlanned,
      fraction: pagesPlanned === 0 ? 1 : Math.min(1, counts.pages / pagesPlanned),
      newFilms: counts.newFilms,
      updatedFilms: counts.updatedFilms,
      snapshots: counts.snapshots,
      detailsFetched: counts.detailsFetched,
      apiCalls: apiCalls(),
      failures: failureCount,
    };
  }

  // Writes are serialised, and whatever queued up during one transaction goes into the next:
  // batches grow when the database is the slower side, and writers never contend for row locks.
  const pending: Array<{ work: PageWork; done: () => void; failed: (error: unknown) => void }> = [];
  let writing = false;

  function store(work: PageWork): Promise<void> {
    return new Promise((done, failed) => {
      pending.push({ work, done, failed });
      if (!writing) void drain();
    });
  }

  async function drain(): Promise<void> {
    writing = true;
    while (pending.length > 0) {
      const batch = pending.splice(0);
      const films = batch.flatMap((entry) => entry.work.films);
      const snapshots = batch.flatMap((entry) =>
        entry.work.snapshots.map((snapshot) => ({ ...snapshot, ingest_run_id: runId })),
      );
      try {
        const written = await stores.throughOutage(
          () =>
            stores.transaction(async (trx) => {
              const upserted = await trx.films.upsert(films, now().toISOString());
              const snapshotCount = await trx.films.insertSnapshots(snapshots);
              // The run row moves with the data, so a killed run's record matches what it left behind.
              await trx.collectionRuns.update(runId, {
                pages: counts.pages + batch.length,
                api_calls: apiCalls(),
                new_films: counts.newFilms + upserted.inserted,
                updated_films: counts.updatedFilms + upserted.updated,
                snapshots: counts.snapshots + snapshotCount,
                failure_count: failureCount,
              });
              return { ...upserted, snapshotCount };
            }),
          {
            ...outage,
            onRetry: (error) => log.warn({ runId, err: error }, 'database write failed; retrying'),
          },
        );
        counts.pages += batch.length;
        counts.newFilms += written.inserted;
        counts.updatedFilms += written.updated;
        counts.snapshots += written.snapshotCount;
        for (const entry of batch) entry.done();
        options.onProgress?.(progress());
      } catch (error) {
        for (const entry of batch) entry.failed(error);
      }
    }
    writing = false;
  }

  async function fetchDetails(film: DiscoverMovie): Promise<MovieDetails | undefined> {
    try {
      const details = await tmdb.movieDetails(film.id, signal);
      counts.detailsFetched += 1;
      return details;
    } catch (error) {
      if (isFatal(error)) throw error;
      fail({
        tmdbId: film.id,
        reason:
          error instanceof TmdbNotFoundError ? 'TMDB has no details for this film (404)' : describe(error),
      });
      return undefined;
    }
  }

  /** Details for the films that need them, then one write for the whole page. */
  async function storePage(page: DiscoverPage): Promise<void> {
    for (const entry of page.invalid)
      fail({ ...(entry.id ? { tmdbId: entry.id } : {}), reason: entry.reason });
    const films = page.results.filter((film) => !seen.has(film.id));
    for (const film of films) seen.add(film.id);
    const known = await stores.throughOutage(
      () => stores.films.detailsFetchedAt(films.map((film) => film.id)),
      outage,
    );
    const fresh = now().getTime() - maxAgeMs;
    const stale = (id: number) => {
      const fetched = known.get(id);
      return fetched === undefined || fetched === null || Date.parse(fetched) < fresh;
    };
    const details = await Promise.all(films.map((film) => (stale(film.id) ? fetchDetails(film) : undefined)));
    const fetchedAt = now().toISOString();
    await store({
      films: films.map((film, index) => movieInput(film, details[index], fetchedAt)),
      snapshots: films.map((film) => ({
        tmdb_id: film.id,
        snapshot_ts: fetchedAt,
        popularity: film.popularity,
        vote_count: film.vote_count,
        vote_average: film.vote_average,
      })),
    });
  }

  /** A discover page, or undefined after recording why it could not be had. */
  async function discover(
    year: number,
    page: number,
    onFailure: (reason: string) => void,
  ): Promise<DiscoverPage | undefined> {
    try {
      return await tmdb.discoverMovies(
        { year, page, withGenres: [HORROR], minVotes: options.minVotes, sortBy: 'popularity.desc' },
        signal,
      );
    } catch (error) {
      if (isFatal(error)) throw error;
      onFailure(describe(error));
      return undefined;
    }
  }

  const retryLater: Array<{ year: number; page: number }> = [];
  const record = (year: number, page: number) => (reason: string) => fail({ year, page, reason });
  const deferred = (year: number, page: number) => () => retryLater.push({ year, page });

  /** Page `page` of `year`; page 1 also releases the year's remaining pages. */
  async function collect(year: number, page: number, onFailure: (reason: string) => void): Promise<void> {
    const answer = await discover(year, page, onFailure);
    if (!answer) return;
    if (page === 1) {
      const lastPage = Math.min(options.maxPagesPerYear, answer.total_pages);
      plannedPages.set(year, Math.max(1, lastPage));
      for (let next = 2; next <= lastPage; next += 1) {
        spawn(() => collect(year, next, deferred(year, next)));
      }
    }
    await storePage(answer);
  }

  let status: IngestStatus = 'failed';
  let errorMessage: string | undefined;
  try {
    for (const year of years) spawn(() => collect(year, 1, deferred(year, 1)));
    await idle();
    // A discover page that failed all its attempts gets one more chance once the rest is done,
    // so that a bad minute at TMDB does not cost a whole year; only then is it recorded.
    for (const { year, page } of retryLater.splice(0)) {
      if (fatal === undefined) spawn(() => collect(year, page, record(year, page)));
    }
    await idle();
    if (fatal !== undefined) throw fatal;
    status = failureCount > 0 ? 'partial' : 'succeeded';
  } catch (error) {
    if (fatal === undefined) fatal = error;
    halt.abort(error);
    await idle();
    errorMessage =
      options.signal?.aborted && !(fatal instanceof TmdbAuthError) ? 'cancelled' : describe(fatal);
  }

  heartbeat.stop();
  if (resumed) Object.assign(counts, await exactCounts(stores, runId, counts, outage));
  const summary: IngestSummary = {
    runId,
    status,
    source,
    years: { from: options.fromYear, to: options.toYear },
    pages: counts.pages,
    apiCalls: apiCalls(),
    newFilms: counts.newFilms,
    updatedFilms: counts.updatedFilms,
    snapshots: counts.snapshots,
    detailsFetched: counts.detailsFetched,
    failureCount,
    failures,
    seconds: Math.round(performance.now() - startedAt) / 1000,
    ...(errorMessage ? { error: errorMessage } : {}),
  };
  await finalUpdate(stores, outage, runId, {
    finished_at: now().toISOString(),
    status,
    pages: summary.pages,
    api_calls: summary.apiCalls,
    new_films: summary.newFilms,
    updated_films: summary.updatedFilms,
    snapshots: summary.snapshots,
    failure_count: failureCount,
    failures: failures.length ? JSON.stringify(failures) : null,
    error: errorMessage ?? null,
  }).catch((error: unknown) => {
    // The row stays `running` with a heartbeat that no longer moves: the next look settles it.
    log.error({ runId, err: error }, 'could not record the end of the collection');
    if (status !== 'failed') throw error;
  });
  options.onProgress?.(progress());
  const { failures: _, ...logged } = summary;
  if (status === 'failed') {
    log.error(logged, 'collection failed');
    throw new IngestRunFailedError(summary, fatal);
  }
  log.info(logged, 'collection finished');
  return summary;
}

/** Counts of a resumed run read from its snapshots: films written by an earlier attempt count once. */
async function exactCounts(
  stores: Stores,
  runId: number,
  counts: { newFilms: number; updatedFilms: number; snapshots: number },
  outage: OutageOptions,
): Promise<{ newFilms: number; updatedFilms: number; snapshots: number }> {
  try {
    const written = await stores.throughOutage(() => stores.collectionRuns.filmCounts(runId), outage);
    return {
      newFilms: written.newFilms,
      updatedFilms: written.films - written.newFilms,
      snapshots: written.snapshots,
    };
  } catch {
    return counts;
  }
}

/** The run row's last update, retried through a database outage. */
function finalUpdate(
  stores: Stores,
  outage: OutageOptions,
  runId: number,
  update: IngestRunUpdate,
): Promise<void> {
  return stores.throughOutage(() => stores.collectionRuns.update(runId, update), outage);
}

function movieInput(film: DiscoverMovie, details: MovieDetails | undefined, fetchedAt: string): MovieInput {
  const listed: MovieInput = {
    tmdb_id: film.id,
    title: film.title,
    original_title: film.original_title,
    overview: film.overview,
    original_language: film.original_language,
    release_date: film.release_date || null,
    popularity: film.popularity,
    vote_count: film.vote_count,
    vote_average: film.vote_average,
    poster_path: film.poster_path,
    backdrop_path: film.backdrop_path,
  };
  if (!details) return listed;
  return {
    ...listed,
    imdb_id: details.imdb_id,
    runtime: details.runtime,
    genres: details.genres.map((genre) => genre.name),
    details_fetched_at: fetchedAt,
  };
}
