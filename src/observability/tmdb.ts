import type { TmdbObserver } from '../tmdb/client.js';
import type { Metrics } from './metrics.js';

/** The TMDB client's hooks, counted into the metrics. */
export function tmdbObserverFor(metrics: Metrics): TmdbObserver {
  return {
    request: () => metrics.tmdbRequest(),
    retry: () => metrics.tmdbRetry(),
    rateLimited: () => metrics.tmdbRateLimited(),
    failure: () => metrics.tmdbFailure(),
  };
}
