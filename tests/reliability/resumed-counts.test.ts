import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { IngestRunFailedError, runIngest } from '../../src/ingest/index.js';
import { type MockTmdb, startMockTmdb } from '../../src/tmdb/mock/index.js';
import { emptyCollectionTables } from '../helpers/database-state.js';
import { describeEachDialect } from '../helpers/databases.js';
import { expectedFilms, KEY, quietLogger, smallCatalog, tmdbFor, YEARS } from '../ingest/helpers.js';

const catalog = smallCatalog(41);
const expected = expectedFilms(catalog);
const collect = { ...YEARS, maxPagesPerYear: 20, minVotes: 10, jobId: 'ingest-resumed-1' };

let mock: MockTmdb;
beforeAll(async () => {
  mock = await startMockTmdb({ catalog, apiKeys: [KEY], latencyMs: 5 });
});
afterAll(async () => {
  await mock.close();
});

describeEachDialect('counts of a resumed collection job', (database) => {
  beforeEach(async () => {
    await emptyCollectionTables(database().handle);
  });

  it('counts each film once and sums the API calls of every attempt', async () => {
    const { stores } = database();
    const firstClient = tmdbFor(mock);
    const stop = new AbortController();
    const first = await runIngest(
      { stores, tmdb: firstClient, logger: quietLogger() },
      {
        ...collect,
        signal: stop.signal,
        // The first attempt stops (as a worker losing its job would) once a few pages are stored.
        onProgress: (progress) => {
          if (progress.pagesDone >= 3) stop.abort(new Error('worker stopped'));
        },
      },
    ).catch((error: unknown) => {
      if (error instanceof IngestRunFailedError) return error.summary;
      throw error;
    });
    expect(first.status).toBe('failed');
    expect(first.newFilms).toBeGreaterThan(0);
    expect(first.newFilms).toBeLessThan(expected.length);

    const secondClient = tmdbFor(mock);
    const second = await runIngest({ stores, tmdb: secondClient, logger: quietLogger() }, collect);
    expect(second.runId).toBe(first.runId);
    expect(second.status).toBe('succeeded');
    // Films the first attempt wrote are not "updated" by the second: every film is new to the database.
    expect(second.newFilms).toBe(expected.length);
    expect(second.updatedFilms).toBe(0);
    expect(second.snapshots).toBe(expected.length);
    expect(second.apiCalls).toBe(firstClient.stats.apiCalls + secondClient.stats.apiCalls);

    const run = await stores.collectionRuns.find(second.runId);
    expect(run).toMatchObject({
      status: 'succeeded',
      new_films: expected.length,
      updated_films: 0,
      snapshots: expected.length,
      api_calls: second.apiCalls,
    });
    expect(await stores.collectionRuns.count()).toBe(1);
  });
});
