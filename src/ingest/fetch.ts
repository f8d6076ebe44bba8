import { describeStorageCause, isStorageError } from '../persistence/index.js';
import type { TmdbClient } from '../tmdb/client.js';
import { TmdbAbortedError, TmdbAuthError, TmdbNotFoundError } from '../tmdb/errors.js';
import { RateLimiterUnavailableError } from '../tmdb/rate-limiter.js';
import type { DiscoverMovie, DiscoverPage, MovieDetails } from '../tmdb/schemas.js';
import type { IngestFailure } from './types.js';

const HORROR = 27;

export interface FetcherOptions {
  tmdb: TmdbClient;
  /** Aborted when the run stops; a request cut short by it is fatal, not a film's failure. */
  signal: AbortSignal;
  minVotes: number;
  fail: (failure: IngestFailure) => void;
}

/** What TMDB is asked during a run: discover pages and film details, each failure sorted into fatal or one film's. */
export interface Fetcher {
  /** A discover page, or undefined after `onFailure` was told why it could not be had. */
  discover(
    year: number,
    page: number,
    onFailure: (reason: string) => void,
  ): Promise<DiscoverPage | undefined>;
  /** Each film's details, in order; undefined for a film whose failure was recorded. */
  details(films: readonly DiscoverMovie[]): Promise<Array<MovieDetails | undefined>>;
  /** Details answers received so far. */
  readonly detailsFetched: number;
}

/** An error that ends the whole run: the key was rejected, or the run was stopped. */
export function isFatal(error: unknown, signal: AbortSignal): boolean {
  return (
    error instanceof TmdbAuthError ||
    error instanceof TmdbAbortedError ||
    // A lost shared rate limiter (Redis) stops the run: it is no film's failure.
    error instanceof RateLimiterUnavailableError ||
    signal.aborted
  );
}

/** A refusing disk is named as such ("disk full") rather than in the driver's words alone. */
export function describeError(error: unknown): string {
  if (isStorageError(error)) return describeStorageCause(error);
  return error instanceof Error ? error.message : String(error);
}

export function createFetcher({ tmdb, signal, minVotes, fail }: FetcherOptions): Fetcher {
  let detailsFetched = 0;

  async function detailsOf(film: DiscoverMovie): Promise<MovieDetails | undefined> {
    try {
      const details = await tmdb.movieDetails(film.id, signal);
      detailsFetched += 1;
      return details;
    } catch (error) {
      if (isFatal(error, signal)) throw error;
      fail({
        tmdbId: film.id,
        reason:
          error instanceof TmdbNotFoundError
            ? 'TMDB has no details for this film (404)'
            : describeError(error),
      });
      return undefined;
    }
  }

  return {
    async discover(year, page, onFailure) {
      try {
        return await tmdb.discoverMovies(
          { year, page, withGenres: [HORROR], minVotes, sortBy: 'popularity.desc' },
          signal,
        );
      } catch (error) {
        if (isFatal(error, signal)) throw error;
        onFailure(describeError(error));
        return undefined;
      }
    },
    details: (films) => Promise.all(films.map(detailsOf)),
    get detailsFetched() {
      return detailsFetched;
    },
  };
}
