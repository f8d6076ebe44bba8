import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { IngestRunFailedError, runIngest } from '../../src/ingest/index.js';
import { createStores, type DatabaseHandle, openDatabase } from '../../src/persistence/index.js';
import { type MockTmdb, startMockTmdb } from '../../src/tmdb/mock/index.js';
import { emptyCollectionTables, mostSnapshotsOfOneFilmInOneRun } from '../helpers/database-state.js';
import { describeEachDialect } from '../helpers/databases.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { expectedFilms, KEY, quietLogger, smallCatalog, tmdbFor, YEARS } from '../ingest/helpers.js';

const catalog = smallCatalog(17);
const expected = expectedFilms(catalog);
const collect = { ...YEARS, maxPagesPerYear: 20, minVotes: 10 };

let mock: MockTmdb;
beforeAll(async () => {
  mock = await startMockTmdb({ catalog, apiKeys: [KEY], latencyMs: 10 });
});
afterAll(async () => {
  await mock.close();
});

describeEachDialect(
  'database lost during a collection',
  (database) => {
    let proxy: TcpProxy;
    let proxied: DatabaseHandle;
    beforeEach(async () => {
      await emptyCollectionTables(database().handle);
      const server = new URL(database().url);
      proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port) });
      proxied = openDatabase(proxy.via(database().url));
    });
    afterEach(async () => {
      await proxy.close();
      await proxied.close();
    });

    it('waits out a short outage and finishes with every film stored once', async () => {
      let cut = false;
      const summary = await runIngest(
        {
          stores: createStores(proxied),
          tmdb: tmdbFor(mock),
          logger: quietLogger(),
          outageTimeoutMs: 30_000,
        },
        {
          ...collect,
          onProgress: (progress) => {
            if (cut || progress.pagesDone < 2) return;
            cut = true;
            // Gone for a moment mid-run, then back.
            void proxy.cut().then(() => setTimeout(() => void proxy.restore(), 1500));
          },
        },
      );
      expect(cut).toBe(true);
      expect(summary).toMatchObject({ status: 'succeeded', newFilms: expected.length, failureCount: 0 });
      const { films, collectionRuns } = database().stores;
      expect(await films.count()).toBe(expected.length);
      expect(await mostSnapshotsOfOneFilmInOneRun(database().handle)).toBe(1);
      expect(await collectionRuns.find(summary.runId)).toMatchObject({
        status: 'succeeded',
        new_films: expected.length,
      });
    });

    it('gives up after the outage timeout with one line naming the database, and the row is settled later', async () => {
      let cut = false;
      const run = runIngest(
        { stores: createStores(proxied), tmdb: tmdbFor(mock), logger: quietLogger(), outageTimeoutMs: 1500 },
        {
          ...collect,
          onProgress: (progress) => {
            if (cut || progress.pagesDone < 2) return;
            cut = true;
            void proxy.cut();
          },
        },
      );
      const error = await run.catch((failure: unknown) => failure);
      expect(error).toBeInstanceOf(IngestRunFailedError);
      const message = (error as Error).message;
      expect(message).toMatch(
        new RegExp(`^Cannot reach the database at \\w+://127\\.0\\.0\\.1:${proxy.port}/`),
      );
      expect(message).not.toMatch(/\n|\bat \w+ \(/);

      // The run could not record its end; once its heartbeat is stale, the next look settles it.
      const { collectionRuns } = database().stores;
      const [row] = await collectionRuns.all();
      const later = new Date(Date.now() + 10 * 60_000).toISOString();
      if (row?.status === 'running') expect(await collectionRuns.settleStale(later, 120_000)).toBe(1);
      expect((await collectionRuns.all())[0]?.status).toMatch(/^(failed|interrupted)$/);
    });
  },
  { dialects: ['mysql', 'postgres'] },
);
