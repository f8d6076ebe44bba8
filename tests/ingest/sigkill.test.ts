import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runIngest } from '../../src/ingest/index.js';
import { type MockTmdb, startMockTmdb } from '../../src/tmdb/mock/index.js';
import { mostSnapshotsOfOneFilmInOneRun } from '../helpers/database-state.js';
import { describeEachDialect } from '../helpers/databases.js';
import { expectedFilms, KEY, quietLogger, smallCatalog, tmdbFor, YEARS } from './helpers.js';

const catalog = smallCatalog(23);
const expected = expectedFilms(catalog);
const child = join(import.meta.dirname, 'fixtures', 'ingest-child.ts');

let mock: MockTmdb;
beforeAll(async () => {
  mock = await startMockTmdb({ catalog, apiKeys: [KEY], latencyMs: 10, latencyJitterMs: 5 });
});
afterAll(async () => {
  await mock.close();
});

function exited(process: ChildProcess): Promise<NodeJS.Signals | number | null> {
  return new Promise((resolve) => process.once('exit', (code, signal) => resolve(signal ?? code)));
}

describeEachDialect('collection killed with SIGKILL', (database) => {
  it('leaves whole pages behind, and the next run completes the work without duplicates', async () => {
    const { films, collectionRuns } = database().stores;
    const ingest = spawn(process.execPath, ['--import', 'tsx', child], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATABASE_URL: database().url,
        TMDB_API_KEY: KEY,
        TMDB_API_BASE: mock.url,
        // Slow enough that the kill lands mid-run: about 220 requests at 40 a second.
        TMDB_RATE_LIMIT: '40',
        INGEST_START_YEAR: String(YEARS.fromYear),
        INGEST_END_YEAR: String(YEARS.toYear),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    ingest.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    const exit = exited(ingest);
    let stored = 0;
    for (;;) {
      stored = await films.count().catch(() => 0);
      if (stored >= 40 || ingest.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    ingest.kill('SIGKILL');
    expect(await exit, stderr).toBe('SIGKILL');

    const [killedRun] = await collectionRuns.all();
    if (!killedRun) throw new Error('expected the killed run to be recorded');
    const afterKill = await films.count();
    expect(killedRun.status).toBe('running');
    expect(afterKill).toBeGreaterThan(0);
    expect(afterKill).toBeLessThan(expected.length);
    // Films, snapshots and the run row are committed together: they agree after the kill.
    expect(killedRun.new_films).toBe(afterKill);
    expect(killedRun.snapshots).toBe(await films.countSnapshots());

    // A run that starts while the killed one's heartbeat is still fresh leaves it alone: it may be alive.
    expect(await collectionRuns.settleStale(new Date().toISOString(), 120_000)).toBe(0);
    // The rerun looks ten minutes later: the killed run's heartbeat is stale by then.
    const later = () => new Date(Date.now() + 10 * 60_000);
    const rerun = await runIngest(
      { stores: database().stores, tmdb: tmdbFor(mock), logger: quietLogger(), now: later },
      { ...YEARS, maxPagesPerYear: 20, minVotes: 10 },
    );
    expect(rerun).toMatchObject({
      status: 'succeeded',
      newFilms: expected.length - afterKill,
      updatedFilms: afterKill,
      detailsFetched: expected.length - afterKill,
      snapshots: expected.length,
    });
    const collected = await films.all();
    expect(collected.map((r) => r.tmdb_id).sort()).toEqual(expected.map((f) => f.id).sort());
    expect(collected.filter((film) => film.details_fetched_at === null)).toEqual([]);
    expect(await mostSnapshotsOfOneFilmInOneRun(database().handle)).toBe(1);
    const runs = await collectionRuns.all();
    expect(runs[0]).toMatchObject({ status: 'interrupted', error: expect.stringMatching(/interrupted/) });
    expect(runs[1]).toMatchObject({ status: 'succeeded' });
  });
});
