import type { Logger } from '../config/logger.js';
import type {
  CollectionRunsStore,
  DataSource,
  IngestRunUpdate,
  IngestStatus,
  OutageOptions,
  Stores,
} from '../persistence/index.js';
import type { IngestFailure } from './types.js';

/** What a run has written so far; the run record carries the same numbers. */
export interface RunCounts {
  pages: number;
  newFilms: number;
  updatedFilms: number;
  snapshots: number;
}

export interface RunStart {
  source: DataSource;
  jobId: string | null;
  fromYear: number;
  toYear: number;
  startedAt: string;
}

export interface OpenedRun {
  runId: number;
  /** What a resumed run's record says was written already; zeros for a new run. */
  counts: RunCounts;
  /** A resumed run's earlier attempts: their API calls and failures add to this attempt's. */
  earlier: { apiCalls: number; failureCount: number } | null;
}

/**
 * The run record (ingest_runs) through a collection: opened (or a resumed job's unfinished one
 * reopened), moved along with every page transaction, and closed with the outcome. Every write
 * to the record goes through here.
 */
export async function openRun(
  runs: CollectionRunsStore,
  start: RunStart,
  staleAfterMs: number,
  log: Logger,
): Promise<OpenedRun> {
  // Only runs whose heartbeat has gone quiet are settled: a live run of another process is left be.
  const interrupted = await runs.settleStale(start.startedAt, staleAfterMs);
  if (interrupted) log.warn({ interrupted }, 'earlier runs were interrupted; this run completes their work');
  const resumed = start.jobId ? await runs.resumable(start.jobId) : undefined;
  const runId =
    resumed?.id ??
    (await runs.start({
      source: start.source,
      jobId: start.jobId,
      yearFrom: start.fromYear,
      yearTo: start.toYear,
      startedAt: start.startedAt,
    }));
  if (resumed) {
    // A fresh heartbeat at once: the row's old one would let another look settle it again.
    await runs.update(runId, {
      status: 'running',
      finished_at: null,
      error: null,
      heartbeat_at: start.startedAt,
    });
    log.info({ runId, jobId: start.jobId }, 'resuming the unfinished run of this job');
  }
  // A resumed run keeps what its row says was written (the row moves with the data); its
  // snapshots are not written twice. Discover pages are all fetched again, so they count afresh.
  return {
    runId,
    counts: {
      pages: 0,
      newFilms: resumed?.new_films ?? 0,
      updatedFilms: resumed?.updated_films ?? 0,
      snapshots: resumed?.snapshots ?? 0,
    },
    earlier: resumed ? { apiCalls: resumed.api_calls, failureCount: resumed.failure_count } : null,
  };
}

/** Written in the same transaction as a batch of pages, so a killed run's record matches what it left. */
export async function recordProgress(
  runs: CollectionRunsStore,
  runId: number,
  progress: { counts: RunCounts; apiCalls: number; failureCount: number },
): Promise<void> {
  await runs.update(runId, progressColumns(progress));
}

export interface RunOutcome {
  status: IngestStatus;
  counts: RunCounts;
  apiCalls: number;
  failureCount: number;
  failures: readonly IngestFailure[];
  error?: string;
  finishedAt: string;
}

/**
 * The run row's last update, retried through a database outage. When even that fails the row
 * stays `running` with a heartbeat that no longer moves, and the next look settles it.
 */
export async function closeRun(
  stores: Stores,
  runId: number,
  outcome: RunOutcome,
  outage: OutageOptions,
): Promise<void> {
  await stores.throughOutage(() => stores.collectionRuns.update(runId, closingColumns(outcome)), outage);
}

/** Counts of a resumed run read from its snapshots: films an earlier attempt wrote count once. */
export async function exactCounts(
  stores: Stores,
  runId: number,
  counts: RunCounts,
  outage: OutageOptions,
): Promise<RunCounts> {
  try {
    const written = await stores.throughOutage(() => stores.collectionRuns.filmCounts(runId), outage);
    return {
      pages: counts.pages,
      newFilms: written.newFilms,
      updatedFilms: written.films - written.newFilms,
      snapshots: written.snapshots,
    };
  } catch {
    return counts;
  }
}

function closingColumns(outcome: RunOutcome): IngestRunUpdate {
  return {
    ...progressColumns(outcome),
    finished_at: outcome.finishedAt,
    status: outcome.status,
    failures: outcome.failures.length ? JSON.stringify(outcome.failures) : null,
    error: outcome.error ?? null,
  };
}

function progressColumns(progress: {
  counts: RunCounts;
  apiCalls: number;
  failureCount: number;
}): IngestRunUpdate {
  return {
    pages: progress.counts.pages,
    api_calls: progress.apiCalls,
    new_films: progress.counts.newFilms,
    updated_films: progress.counts.updatedFilms,
    snapshots: progress.counts.snapshots,
    failure_count: progress.failureCount,
  };
}
