import type { Config } from '../config/index.js';
import type { Logger } from '../config/logger.js';
import { ingestWithConfig } from '../ingest/source.js';
import { runLiveness, type Stores } from '../persistence/index.js';
import type { TmdbObserver } from '../tmdb/client.js';
import type { RateLimiter } from '../tmdb/rate-limiter.js';
import { runTraining } from '../training/index.js';
import type { JobProcessors } from './types.js';

export interface ProcessorDeps {
  config: Config;
  logger: Logger;
  stores: Stores;
  /** The scaled shape's Redis bucket; omitted, each run has a bucket of its own. */
  rateLimiter?: RateLimiter;
  /** Counts TMDB traffic (metrics). */
  tmdbObserver?: TmdbObserver;
}

/** The work behind each job kind, for either adapter. */
export function createJobProcessors(deps: ProcessorDeps): JobProcessors {
  const { config, logger, stores, rateLimiter, tmdbObserver } = deps;
  return {
    ingest: (options, report, signal, job) =>
      ingestWithConfig(
        { config, logger, stores, rateLimiter, tmdbObserver },
        {
          fromYear: options.from,
          toYear: options.to,
          maxPagesPerYear: options.pages,
          // Recorded on the run row: the runs of one job, resumed or not, are told apart from others.
          jobId: job.id,
          signal,
          onProgress: (progress) =>
            report({ ...progress, message: `${progress.pagesDone}/${progress.pagesPlanned} pages` }),
        },
      ),
    train: (report, signal, job) =>
      runTraining({
        stores,
        logger,
        jobId: job.id,
        signal,
        liveness: runLiveness(config.RUN_STALE_AFTER_S),
        outageTimeoutMs: config.OUTAGE_TIMEOUT_S * 1000,
        onStep: (step) => report({ message: step }),
      }),
  };
}
