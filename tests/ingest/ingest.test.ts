import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { IngestRunFailedError, runIngest } from '../../src/ingest/index.js';
import type { IngestOptions, IngestProgress } from '../../src/ingest/types.js';
import { parseGenres } from '../../src/persistence/index.js';
import type { CatalogFilm } from '../../src/tmdb/catalog.js';
import type { TmdbClient } from '../../src/tmdb/client.js';
import { TmdbAuthError } from '../../src/tmdb/errors.js';
import { type MockTmdb, startMockTmdb } from '../../src/tmdb/mock/index.js';
import { TokenBucketRateLimiter } from '../../src/tmdb/rate-limiter.js';
import {
  emptyCollectionTables,
  mostSnapshotsOfOneFilmInOneRun,
  setDetailsVersion,
} from '../helpers/database-state.js';
import { describeEachDialect } from '../helpers/databases.js';
import { expectedFilms, KEY, quietLogger, smallCatalog, tmdbFor, YEARS } from './helpers.js';

const catalog = smallCatalog();
const expected = expectedFilms(catalog);
const options: IngestOptions = { ...YEARS, maxPagesPerYear: 20, minVotes: 10 };

/** Every third film with the facts TMDB's details carry; the others bare, as obscure films are. */
function withFacts(films: readonly CatalogFilm[]): CatalogFilm[] {
  return films.map((film, index) =>
    index % 3 !== 0
      ? bare(film)
      : {
          ...film,
          budget: 2_000_000 + index,
          revenue: 0,
          tagline: '',
          belongs_to_collection: { id: 9000 + index, name: `Collection ${index}` },
          production_companies: [{ id: 3172, name: 'Blumhouse Productions', origin_country: 'US' }],
          production_countries: [{ iso_3166_1: 'US', name: 'United States of America' }],
          spoken_languages: [{ iso_639_1: 'en' }, { iso_639_1: 'es' }],
          keywords: [{ id: 12339, name: 'slasher' }],
          release_dates: [
            {
              iso_3166_1: 'US',
              release_dates: [
                { release_date: '2011-10-28T00:00:00.000Z', type: 3, certification: 'R', note: '' },
                { release_date: '2011-09-10T00:00:00.000Z', type: 1, certification: '', note: 'festival' },
              ],
            },
          ],
        },
  );
}

/** A film without the facts of TMDB's details, as TMDB answers for one nobody filled in. */
function bare(film: CatalogFilm): CatalogFilm {
  const {
    belongs_to_collection: _collection,
    production_companies: _companies,
    production_countries: _countries,
    spoken_languages: _languages,
    keywords: _keywords,
    release_dates: _releaseDates,
    ...rest
  } = film;
  return { ...rest, budget: 0, revenue: 0, tagline: '' };
}

const isPage = (target: string, year: number, page: number) => {
  const query = new URL(target, 'http://mock').searchParams;
  return query.get('primary_release_year') === String(year) && query.get('page') === String(page);
};

let mock: MockTmdb;
beforeAll(async () => {
  mock = await startMockTmdb({ catalog, apiKeys: [KEY] });
});
afterAll(async () => {
  await mock.close();
});

describeEachDialect('collection run', (database) => {
  const stores = () => database().stores;
  const deps = (tmdb: TmdbClient = tmdbFor(mock), now?: () => Date) => ({
    stores: stores(),
    tmdb,
    logger: quietLogger(),
    now,
  });
  const run = async (id: number) => {
    const found = await stores().collectionRuns.find(id);
    if (!found) throw new Error(`no collection run ${id}`);
    return found;
  };

  beforeEach(async () => {
    await emptyCollectionTables(database().handle);
    mock.update({ faults: { rate: 0 }, inject: undefined });
    mock.resetStats();
  });

  it('stores every film the discover filters return, with runtime and genres, and one snapshot each', async () => {
    const progress: IngestProgress[] = [];
    const summary = await runIngest(deps(), { ...options, onProgress: (p) => progress.push(p) });

    expect(expected.length).toBeGreaterThan(150);
    expect(summary).toMatchObject({
      status: 'succeeded',
      newFilms: expected.length,
      updatedFilms: 0,
      snapshots: expected.length,
      detailsFetched: expected.length,
      failureCount: 0,
    });
    // Under load a silent request is hedged or retried, so calls can exceed one per page and film;
    // what must hold is that nothing was skipped and nothing was stored twice (asserted below).
    expect(summary.apiCalls).toBeGreaterThanOrEqual(summary.pages + expected.length);
    expect(mock.stats.byEndpoint.discover).toBeGreaterThanOrEqual(summary.pages);
    expect(mock.stats.byEndpoint.movie).toBeGreaterThanOrEqual(expected.length);

    const rows = await stores().films.all();
    expect(rows.map((r) => r.tmdb_id).sort()).toEqual(expected.map((f) => f.id).sort());
    const byId = new Map(expected.map((f) => [f.id, f]));
    for (const row of rows) {
      const film = byId.get(row.tmdb_id)!;
      // TMDB's runtime 0 means "not known", stored as null.
      expect(row.runtime).toBe(film.runtime || null);
      expect(parseGenres(row.genres)).toEqual(film.genres.map((g) => g.name));
      expect(row.imdb_id).toBe(film.imdb_id);
      expect(row.details_fetched_at).not.toBeNull();
    }
    expect(await stores().films.countSnapshots()).toBe(expected.length);
    expect(await mostSnapshotsOfOneFilmInOneRun(database().handle)).toBe(1);

    expect(await run(summary.runId)).toMatchObject({
      status: 'succeeded',
      year_from: YEARS.fromYear,
      year_to: YEARS.toYear,
      pages: summary.pages,
      api_calls: summary.apiCalls,
      new_films: expected.length,
      snapshots: expected.length,
      failure_count: 0,
    });
    const last = progress[progress.length - 1];
    expect(last).toMatchObject({ fraction: 1, pagesDone: summary.pages, pagesPlanned: summary.pages });
    for (let i = 1; i < progress.length; i += 1) {
      expect(progress[i].pagesDone).toBeGreaterThanOrEqual(progress[i - 1].pagesDone);
    }
  });

  it('a second run adds a snapshot per film but no films, and fetches no details', async () => {
    await runIngest(deps(), options);
    const detailsBefore = mock.stats.byEndpoint.movie;
    const second = await runIngest(deps(), options);
    expect(mock.stats.byEndpoint.movie).toBe(detailsBefore);
    expect(second).toMatchObject({ newFilms: 0, updatedFilms: expected.length, detailsFetched: 0 });
    expect(second.apiCalls).toBe(second.pages);
    expect(await stores().films.count()).toBe(expected.length);
    expect(await stores().films.countSnapshots()).toBe(2 * expected.length);
    expect(await mostSnapshotsOfOneFilmInOneRun(database().handle)).toBe(1);
  });

  it('fetches details again once they are more than a week old', async () => {
    await runIngest(deps(), options);
    const later = new Date(Date.now() + 8 * 86_400_000);
    const summary = await runIngest(
      deps(tmdbFor(mock), () => later),
      options,
    );
    expect(summary.detailsFetched).toBe(expected.length);
  });

  it("stores each film's facts from one details request that appends keywords and release dates", async () => {
    const facts = await startMockTmdb({ catalog: withFacts(catalog), apiKeys: [KEY] });
    try {
      const summary = await runIngest(deps(tmdbFor(facts)), options);
      expect(summary).toMatchObject({ status: 'succeeded', newFilms: expected.length });
      const detailRequests = facts.stats.log.filter((entry) => entry.endpoint === 'movie');
      expect(new Set(detailRequests.map((entry) => entry.target)).size).toBe(expected.length);
      for (const { target } of detailRequests) {
        expect(new URL(target, 'http://mock').searchParams.get('append_to_response')).toBe(
          'keywords,release_dates',
        );
      }
      const indexOf = new Map(catalog.map((film, index) => [film.id, index]));
      const rich = expected.find((film) => indexOf.get(film.id)! % 3 === 0)!;
      const index = indexOf.get(rich.id)!;
      expect(await stores().films.find(rich.id)).toMatchObject({
        budget: 2_000_000 + index,
        revenue: null,
        tagline: null,
        status: 'Released',
        us_release_date: '2011-10-28',
        spoken_languages: '["en","es"]',
        collection_id: 9000 + index,
        details_version: 2,
      });
      expect(await stores().films.factsOf(rich.id)).toEqual({
        companies: [{ id: 3172, name: 'Blumhouse Productions', origin_country: 'US' }],
        countries: [{ iso_3166_1: 'US', name: 'United States of America' }],
        keywords: [{ id: 12339, name: 'slasher' }],
        collection: { id: 9000 + index, name: `Collection ${index}` },
      });
      const bare = expected.find((film) => indexOf.get(film.id)! % 3 !== 0)!;
      expect(await stores().films.find(bare.id)).toMatchObject({
        budget: null,
        collection_id: null,
        us_release_date: null,
        details_version: 2,
      });
      expect(await stores().films.factsOf(bare.id)).toEqual({
        companies: [],
        countries: [],
        keywords: [],
        collection: null,
      });
    } finally {
      await facts.close();
    }
  });

  it('fetches details once more for films stored with an older details version, then trusts them', async () => {
    await runIngest(deps(), options);
    await setDetailsVersion(database().handle, 0);
    const again = await runIngest(deps(), options);
    expect(again.detailsFetched).toBe(expected.length);
    const third = await runIngest(deps(), options);
    expect(third.detailsFetched).toBe(0);
  });

  it('records a film whose details answer fails validation, naming the field, and stores the rest of its page', async () => {
    const odd = expected[3];
    const strict = await startMockTmdb({
      catalog: catalog.map((f) => (f.id === odd.id ? { ...f, budget: '10M' as unknown as number } : f)),
      apiKeys: [KEY],
    });
    try {
      // Without hedging, so that the one request per film is exactly what the client sends.
      const summary = await runIngest(deps(tmdbFor(strict, { hedge: false })), options);
      expect(summary.status).toBe('partial');
      expect(summary.failures).toEqual([
        { tmdbId: odd.id, reason: expect.stringContaining('details: budget: expected number, got string') },
      ]);
      // An answer of the wrong shape does not get better by asking again.
      const asked = strict.stats.log.filter(
        (entry) => new URL(entry.target, 'http://mock').pathname === `/3/movie/${odd.id}`,
      );
      expect(asked).toHaveLength(1);
      expect(await stores().films.count()).toBe(expected.length);
      expect((await stores().films.find(odd.id))?.details_fetched_at).toBeNull();
      expect(await stores().films.countWithDetails()).toBe(expected.length - 1);
    } finally {
      await strict.close();
    }
  });

  it('visits pages 1..INGEST_MAX_PAGES_PER_YEAR only', async () => {
    const summary = await runIngest(deps(), { ...options, maxPagesPerYear: 1 });
    expect(summary.pages).toBe(3);
    expect(summary.newFilms).toBe(expectedFilms(catalog, 1).length);
    expect(summary.newFilms).toBe(60);
  });

  it('stores every film when 5% of requests fail in every way the mock knows', async () => {
    mock.update({ faults: { rate: 0.05, stallMs: 10_000 } });
    const summary = await runIngest(deps(), options);
    expect(Object.values(mock.stats.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(summary).toMatchObject({ status: 'succeeded', failureCount: 0, newFilms: expected.length });
    const missing = (await stores().films.all()).filter(
      (film) => film.details_fetched_at === null || film.genres === null,
    );
    expect(missing).toEqual([]);
    expect(await stores().films.countSnapshots()).toBe(expected.length);
  });

  it('gives a discover page that failed every attempt one more chance instead of dropping its year', async () => {
    let failures = 0;
    mock.update({
      inject: ({ endpoint, target }) => {
        const firstPage = endpoint === 'discover' && isPage(target, 2011, 1);
        if (!firstPage || failures >= 3) return undefined;
        failures += 1;
        return '503';
      },
    });
    const summary = await runIngest(deps(tmdbFor(mock, { maxAttempts: 3 })), options);
    expect(failures).toBe(3);
    expect(summary).toMatchObject({ status: 'succeeded', newFilms: expected.length });
  });

  it('records a discover page that keeps failing, keeps the rest, and fills the gap on the next run', async () => {
    const brokenPage = ({ endpoint, target }: { endpoint: string; target: string }) =>
      endpoint === 'discover' && isPage(target, 2012, 2) ? ('500' as const) : undefined;
    mock.update({ inject: brokenPage });
    const summary = await runIngest(deps(tmdbFor(mock, { maxAttempts: 2 })), options);
    expect(summary.status).toBe('partial');
    expect(summary.failures).toEqual([{ year: 2012, page: 2, reason: expect.stringMatching(/HTTP 500/) }]);
    expect(summary.newFilms).toBe(expected.length - 20);
    const row = await run(summary.runId);
    expect(row.status).toBe('partial');
    expect(JSON.parse(row.failures!)).toEqual(summary.failures);

    mock.update({ inject: undefined });
    const next = await runIngest(deps(), options);
    expect(next).toMatchObject({ status: 'succeeded', newFilms: 20, detailsFetched: 20 });
  });

  it('records a film TMDB answers 404 for, without retrying it, and stores the others', async () => {
    const gone = expected[5].id;
    const strict = await startMockTmdb({ catalog, apiKeys: [KEY], notFoundIds: [gone] });
    try {
      const summary = await runIngest(deps(tmdbFor(strict)), options);
      expect(summary.status).toBe('partial');
      expect(summary.failures).toEqual([{ tmdbId: gone, reason: expect.stringMatching(/404/) }]);
      const asked = strict.stats.log.filter(
        (entry) => new URL(entry.target, 'http://mock').pathname === `/3/movie/${gone}`,
      );
      expect(asked).toHaveLength(1);
      expect(await stores().films.count()).toBe(expected.length);
      const film = await stores().films.find(gone);
      expect(film).toBeDefined();
      expect(film?.details_fetched_at).toBeNull();
    } finally {
      await strict.close();
    }
  });

  it('records a film whose discover entry cannot be read and stores the rest of its page', async () => {
    const odd = expected[0];
    const strict = await startMockTmdb({
      catalog: catalog.map((f) => (f.id === odd.id ? { ...f, vote_average: -1 } : f)),
      apiKeys: [KEY],
    });
    try {
      const summary = await runIngest(deps(tmdbFor(strict)), options);
      expect(summary.status).toBe('partial');
      expect(summary.failures).toEqual([{ tmdbId: odd.id, reason: expect.stringMatching(/vote_average/) }]);
      expect(await stores().films.count()).toBe(expected.length - 1);
    } finally {
      await strict.close();
    }
  });

  it('ends at once when TMDB rejects the key, with a run record about the key and without the key', async () => {
    const wrongKey = 'wrong-key-0123456789';
    // At 5 requests a second the run would need about a minute; a 401 must end it within seconds.
    const tmdb = tmdbFor(mock, {
      apiKey: wrongKey,
      rateLimiter: new TokenBucketRateLimiter({ ratePerSecond: 5 }),
    });
    const started = performance.now();
    const error = await runIngest(deps(tmdb), options).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(error).toBeInstanceOf(IngestRunFailedError);
    expect((error as IngestRunFailedError).cause).toBeInstanceOf(TmdbAuthError);
    const row = await run((error as IngestRunFailedError).summary.runId);
    expect(row.status).toBe('failed');
    expect(row.error).toMatch(/TMDB rejected the API key/);
    expect(JSON.stringify(row)).not.toContain(wrongKey);
    expect(tmdb.stats.apiCalls).toBeLessThanOrEqual(3);
  });

  it('marks a cancelled run as failed and says so', async () => {
    const controller = new AbortController();
    const slow = tmdbFor(mock, { rateLimiter: new TokenBucketRateLimiter({ ratePerSecond: 20 }) });
    const pending = runIngest(deps(slow), {
      ...options,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.pagesDone >= 1) controller.abort();
      },
    });
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IngestRunFailedError);
    const row = await run((error as IngestRunFailedError).summary.runId);
    expect(row).toMatchObject({ status: 'failed', error: 'cancelled' });
    expect(row.finished_at).not.toBeNull();
  });

  it('continues the unfinished run of a resumed job: one run, one snapshot per film', async () => {
    const controller = new AbortController();
    const slow = tmdbFor(mock, { rateLimiter: new TokenBucketRateLimiter({ ratePerSecond: 20 }) });
    const first = await runIngest(deps(slow), {
      ...options,
      jobId: 'ingest-resumed-job',
      signal: controller.signal,
      onProgress: (p) => {
        if (p.pagesDone >= 1) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(IngestRunFailedError);
    const interruptedRunId = (first as IngestRunFailedError).summary.runId;
    const storedBefore = await stores().films.countSnapshots();
    expect(storedBefore).toBeGreaterThan(0);

    const resumed = await runIngest(deps(), { ...options, jobId: 'ingest-resumed-job' });
    expect(resumed.runId).toBe(interruptedRunId);
    expect(resumed.status).toBe('succeeded');
    const runs = await stores().collectionRuns.all();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'succeeded', error: null, snapshots: expected.length });
    expect(await stores().films.count()).toBe(expected.length);
    expect(await stores().films.countSnapshots()).toBe(expected.length);
    expect(await mostSnapshotsOfOneFilmInOneRun(database().handle)).toBe(1);
  });
});
