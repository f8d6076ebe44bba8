import type { DataSource, IngestStatus } from '../persistence/index.js';

/** Something that did not make it into this run; the next run tries it again. */
export interface IngestFailure {
  tmdbId?: number;
  year?: number;
  page?: number;
  reason: string;
}

export interface IngestOptions {
  fromYear: number;
  toYear: number;
  /** INGEST_MAX_PAGES_PER_YEAR: discover pages 1..min(this, total_pages). */
  maxPagesPerYear: number;
  /** INGEST_MIN_VOTES: the discover `vote_count.gte` filter. */
  minVotes: number;
  /** Details older than this are fetched again; newer ones are trusted. */
  detailsMaxAgeDays?: number;
  source?: DataSource;
  /** Collect even when the database holds films of the other family (demo vs real). */
  allowMixedSources?: boolean;
  jobId?: string | null;
  signal?: AbortSignal;
  onProgress?: (progress: IngestProgress) => void;
}

export interface IngestProgress {
  runId: number;
  /** Discover pages stored, and the pages the run knows it will visit (grows as years report totals). */
  pagesDone: number;
  pagesPlanned: number;
  /** pagesDone / pagesPlanned, 0..1. */
  fraction: number;
  newFilms: number;
  updatedFilms: number;
  snapshots: number;
  detailsFetched: number;
  apiCalls: number;
  failures: number;
}

export interface IngestSummary {
  runId: number;
  status: IngestStatus;
  source: DataSource;
  years: { from: number; to: number };
  pages: number;
  apiCalls: number;
  newFilms: number;
  updatedFilms: number;
  snapshots: number;
  detailsFetched: number;
  failureCount: number;
  failures: IngestFailure[];
  seconds: number;
  error?: string;
}
