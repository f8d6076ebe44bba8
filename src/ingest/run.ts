import type { Logger } from '../config/logger.js';
import {
  type IngestStatus,
  type RunLiveness,
  runLiveness,
  type Stores,
  startHeartbeat,
} from '../persistence/index.js';
import type { TmdbClient } from '../tmdb/client.js';
import { TmdbAuthError } from '../tmdb/errors.js';
import type { DiscoverPage } from '../tmdb/schemas.js';
import { FailureLog } from './failures.js';
import { createFetcher, describeError } from './fetch.js';
import { movieInput, snapshotOf } from './film-input.js';
import { freshSince, needsDetails, PagePlan, yearsBetween } from './plan.js';
import { closeRun, exactCounts, openRun, recordProgress } from './run-record.js';
import { guardFilmSource } from './source-guard.js';
import { TaskGroup } from './tasks.js';
import type { IngestOptions, IngestProgress, IngestSummary } from './types.js';
import { createPageWriter } from './write.js';

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

const DEFAULT_OUTAGE_TIMEOUT_MS = 180_000;

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

/**
 * One collection run. Every year's page 1 goes out at once; each answer releases that year's
 * other pages and its films' details, so the token bucket always has work queued and the run is
 * paced by TMDB_RATE_LIMIT rather than by latency. A page's films and snapshots are written
 * together in one transaction once their details are in, so a run killed at any moment leaves
 * whole pages behind, and the next run finds what is missing (films without details) and fills it.
 */
export async function runIngest(deps: IngestDeps, options: IngestOptions): Promise<IngestSummary> {
  const { stores, tmdb } = deps;
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({ component: 'ingest' });
  const source = options.source ?? 'tmdb';
  const startedAt = performance.now();
  const apiCallsBefore = tmdb.stats.apiCalls;
  const liveness = deps.liveness ?? runLiveness();
  const outage = { timeoutMs: deps.outageTimeoutMs ?? DEFAULT_OUTAGE_TIMEOUT_MS };

  await guardFilmSource(stores, source, { allowMixed: options.allowMixedSources, now });
  const opened = await openRun(
    stores.collectionRuns,
    {
      source,
      jobId: options.jobId ?? null,
      fromYear: options.fromYear,
      toYear: options.toYear,
      startedAt: now().toISOString(),
    },
    liveness.staleAfterMs,
    log,
  );
  const { runId, counts, earlier } = opened;
  const apiCalls = () => (earlier?.apiCalls ?? 0) + tmdb.stats.apiCalls - apiCallsBefore;
  const heartbeat = startHeartbeat(
    (at) => stores.collectionRuns.heartbeat(runId, at),
    liveness.heartbeatMs,
    (error) => log.warn({ runId, err: error }, 'could not record the heartbeat; trying again'),
    now,
  );
  log.info({ runId, source, years: [options.fromYear, options.toYear] }, 'collection started');

  const tasks = new TaskGroup(options.signal);
  const failures = new FailureLog(log, earlier?.failureCount ?? 0);
  const plan = new PagePlan(yearsBetween(options.fromYear, options.toYear), options.maxPagesPerYear);
  const fetcher = createFetcher({
    tmdb,
    signal: tasks.signal,
    minVotes: options.minVotes,
    fail: (failure) => failures.record(failure),
  });
  const seen = new Set<number>();

  const progress = (): IngestProgress => ({
    runId,
    pagesDone: counts.pages,
    pagesPlanned: plan.pagesPlanned,
    fraction: plan.pagesPlanned === 0 ? 1 : Math.min(1, counts.pages / plan.pagesPlanned),
    newFilms: counts.newFilms,
    updatedFilms: counts.updatedFilms,
    snapshots: counts.snapshots,
    detailsFetched: fetcher.detailsFetched,
    apiCalls: apiCalls(),
    failures: failures.count,
  });

  const writePage = createPageWriter({
    stores,
    runId,
    now,
    alongside: (trx, written) =>
      recordProgress(trx.collectionRuns, runId, {
        counts: {
          pages: counts.pages + written.pages,
          newFilms: counts.newFilms + written.inserted,
          updatedFilms: counts.updatedFilms + written.updated,
          snapshots: counts.snapshots + written.snapshots,
        },
        apiCalls: apiCalls(),
        failureCount: failures.count,
      }),
    outage: {
      ...outage,
      onRetry: (error) => log.warn({ runId, err: error }, 'database write failed; retrying'),
    },
    committed: (written) => {
      counts.pages += written.pages;
      counts.newFilms += written.inserted;
      counts.updatedFilms += written.updated;
      counts.snapshots += written.snapshots;
      options.onProgress?.(progress());
    },
  });

  /** Details for the films of the page that need them, then one write for the whole page. */
  async function storePage(page: DiscoverPage): Promise<void> {
    for (const entry of page.invalid)
      failures.record({ ...(entry.id ? { tmdbId: entry.id } : {}), reason: entry.reason });
    const films = page.results.filter((film) => !seen.has(film.id));
    for (const film of films) seen.add(film.id);
    const known = await stores.throughOutage(
      () => stores.films.detailsState(films.map((film) => film.id)),
      outage,
    );
    const since = freshSince(now(), options.detailsMaxAgeDays ?? 7);
    const wanted = films.filter((film) => needsDetails(known.get(film.id), since));
    const fetched = await fetcher.details(wanted);
    const details = new Map(wanted.map((film, index) => [film.id, fetched[index]]));
    const fetchedAt = now().toISOString();
    await writePage({
      films: films.map((film) => movieInput(film, details.get(film.id), fetchedAt)),
      snapshots: films.map((film) => snapshotOf(film, fetchedAt)),
    });
  }

  const retryLater: Array<{ year: number; page: number }> = [];
  const recordPage = (year: number, page: number) => (reason: string) =>
    failures.record({ year, page, reason });
  const deferPage = (year: number, page: number) => () => retryLater.push({ year, page });

  /** Page `page` of `year`; page 1 also releases the year's remaining pages. */
  async function collect(year: number, page: number, onFailure: (reason: string) => void): Promise<void> {
    const answer = await fetcher.discover(year, page, onFailure);
    if (!answer) return;
    if (page === 1) {
      for (const next of plan.afterFirstPage(year, answer.total_pages)) {
        tasks.spawn(() => collect(year, next, deferPage(year, next)));
      }
    }
    await storePage(answer);
  }

  let status: IngestStatus = 'failed';
  let errorMessage: string | undefined;
  try {
    for (const year of plan.years) tasks.spawn(() => collect(year, 1, deferPage(year, 1)));
    await tasks.idle();
    // A discover page that failed all its attempts gets one more chance once the rest is done,
    // so that a bad minute at TMDB does not cost a whole year; only then is it recorded.
    for (const { year, page } of retryLater.splice(0)) {
      if (!tasks.failed) tasks.spawn(() => collect(year, page, recordPage(year, page)));
    }
    await tasks.idle();
    if (tasks.failed) throw tasks.error;
    status = failures.count > 0 ? 'partial' : 'succeeded';
  } catch (error) {
    tasks.stop(error);
    await tasks.idle();
    const fatal = tasks.error;
    errorMessage =
      options.signal?.aborted && !(fatal instanceof TmdbAuthError) ? 'cancelled' : describeError(fatal);
  }

  heartbeat.stop();
  if (earlier) Object.assign(counts, await exactCounts(stores, runId, counts, outage));
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
    detailsFetched: fetcher.detailsFetched,
    failureCount: failures.count,
    failures: failures.list,
    seconds: Math.round(performance.now() - startedAt) / 1000,
    ...(errorMessage ? { error: errorMessage } : {}),
  };
  await closeRun(
    stores,
    runId,
    {
      status,
      counts,
      apiCalls: summary.apiCalls,
      failureCount: failures.count,
      failures: summary.failures,
      finishedAt: now().toISOString(),
      ...(errorMessage ? { error: errorMessage } : {}),
    },
    outage,
  ).catch((error: unknown) => {
    log.error({ runId, err: error }, 'could not record the end of the collection');
    if (status !== 'failed') throw error;
  });
  options.onProgress?.(progress());
  const { failures: _, ...logged } = summary;
  if (status === 'failed') {
    log.error(logged, 'collection failed');
    throw new IngestRunFailedError(summary, tasks.error);
  }
  log.info(logged, 'collection finished');
  return summary;
}
