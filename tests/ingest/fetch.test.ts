import { describe, expect, it } from 'vitest';
import { createFetcher } from '../../src/ingest/fetch.js';
import type { IngestFailure } from '../../src/ingest/types.js';
import type { TmdbClient } from '../../src/tmdb/client.js';
import { TmdbAuthError, TmdbNotFoundError, TmdbRequestError } from '../../src/tmdb/errors.js';
import type { DiscoverMovie, MovieDetails } from '../../src/tmdb/schemas.js';

const listed = (id: number): DiscoverMovie => ({
  id,
  title: `Film ${id}`,
  original_title: `Film ${id}`,
  overview: null,
  original_language: 'en',
  release_date: '2012-10-31',
  popularity: 1,
  vote_count: 10,
  vote_average: 6,
  poster_path: null,
  backdrop_path: null,
  genre_ids: [27],
  adult: false,
});

/** A client whose details answer per id as `answers` says: a value, or an error to throw. */
function fakeClient(answers: Record<number, Error | 'ok'>, discoverError?: Error): TmdbClient {
  return {
    authMode: 'api_key',
    stats: { apiCalls: 0, retries: 0, rateLimited: 0, hedges: 0 },
    async discoverMovies(query) {
      if (discoverError) throw discoverError;
      return { page: query.page, results: [listed(1)], total_pages: 1, total_results: 1, invalid: [] };
    },
    async movieDetails(id) {
      const answer = answers[id];
      if (answer instanceof Error) throw answer;
      return { ...listed(id), runtime: 90 } as unknown as MovieDetails;
    },
    async genres() {
      return [];
    },
  };
}

function fetcherFor(tmdb: TmdbClient) {
  const failures: IngestFailure[] = [];
  const fetcher = createFetcher({
    tmdb,
    signal: new AbortController().signal,
    minVotes: 10,
    fail: (failure) => failures.push(failure),
  });
  return { fetcher, failures };
}

describe('collection fetch', () => {
  it('returns details in order and records each film that has none, with its reason', async () => {
    const { fetcher, failures } = fetcherFor(
      fakeClient({
        1: 'ok',
        2: new TmdbNotFoundError('/movie/2'),
        3: new TmdbRequestError('/movie/3', 1, 'details: vote_count: expected number, got string'),
        4: 'ok',
      }),
    );
    const details = await fetcher.details([1, 2, 3, 4].map(listed));
    expect(details.map((d) => d?.id)).toEqual([1, undefined, undefined, 4]);
    expect(fetcher.detailsFetched).toBe(2);
    expect(failures).toEqual([
      { tmdbId: 2, reason: 'TMDB has no details for this film (404)' },
      { tmdbId: 3, reason: expect.stringContaining('details: vote_count: expected number, got string') },
    ]);
  });

  it('lets a rejected key end the run instead of recording it against a film', async () => {
    const { fetcher, failures } = fetcherFor(fakeClient({ 1: new TmdbAuthError() }));
    await expect(fetcher.details([listed(1)])).rejects.toBeInstanceOf(TmdbAuthError);
    expect(failures).toEqual([]);
  });

  it('hands a discover page that could not be had to the caller, with the reason', async () => {
    const reasons: string[] = [];
    const { fetcher } = fetcherFor(fakeClient({}, new TmdbRequestError('/discover/movie', 6, 'HTTP 503')));
    expect(await fetcher.discover(2012, 2, (reason) => reasons.push(reason))).toBeUndefined();
    expect(reasons).toEqual([expect.stringMatching(/HTTP 503/)]);
    const { fetcher: working } = fetcherFor(fakeClient({}));
    expect((await working.discover(2012, 1, () => {}))?.results.map((film) => film.id)).toEqual([1]);
  });
});
