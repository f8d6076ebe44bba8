import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runIngest } from '../../src/ingest/index.js';
import { runLiveness, startHeartbeat } from '../../src/persistence/index.js';
import { type MockTmdb, startMockTmdb } from '../../src/tmdb/mock/index.js';
import { buildTestApp } from '../api/app.js';
import { emptyCollectionTables } from '../helpers/database-state.js';
import { describeEachDialect } from '../helpers/databases.js';
import { KEY, quietLogger, smallCatalog, tmdbFor, YEARS } from '../ingest/helpers.js';

const MINUTE = 60_000;
const at = (ms: number) => new Date(Date.parse('2026-06-01T12:00:00Z') + ms).toISOString();

describe('heartbeat timer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('beats every interval until stopped, and survives a failed beat', async () => {
    const beats: string[] = [];
    const errors: unknown[] = [];
    let fail = true;
    const heartbeat = startHeartbeat(
      async (time) => {
        if (fail) {
          fail = false;
          throw new Error('database gone');
        }
        beats.push(time);
      },
      1000,
      (error) => errors.push(error),
    );
    await vi.advanceTimersByTimeAsync(3000);
    heartbeat.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(errors).toHaveLength(1);
    expect(beats).toHaveLength(2);
  });

  it('beats at least four times within the stale threshold', () => {
    expect(runLiveness(120)).toEqual({ staleAfterMs: 120_000, heartbeatMs: 5000 });
    expect(runLiveness(10)).toEqual({ staleAfterMs: 10_000, heartbeatMs: 2500 });
  });
});

let mock: MockTmdb;
beforeAll(async () => {
  mock = await startMockTmdb({ catalog: smallCatalog(3), apiKeys: [KEY] });
});
afterAll(async () => {
  await mock.close();
});

describeEachDialect('run liveness', (database) => {
  beforeEach(async () => {
    await emptyCollectionTables(database().handle);
  });

  it('settles only runs whose heartbeat is older than the threshold, as interrupted', async () => {
    const runs = database().stores.collectionRuns;
    const silent = await runs.start({ source: 'tmdb', startedAt: at(0) });
    await runs.heartbeat(silent, at(MINUTE));
    const beating = await runs.start({ source: 'tmdb', startedAt: at(0) });
    await runs.heartbeat(beating, at(4 * MINUTE));
    const neverBeat = await runs.start({ source: 'tmdb', startedAt: at(0) });

    expect(await runs.settleStale(at(5 * MINUTE), 2 * MINUTE)).toBe(2);
    expect(await runs.find(silent)).toMatchObject({
      status: 'interrupted',
      finished_at: at(MINUTE),
      error: expect.stringMatching(/heartbeat/),
    });
    expect(await runs.find(neverBeat)).toMatchObject({ status: 'interrupted', finished_at: at(0) });
    expect(await runs.find(beating)).toMatchObject({ status: 'running', finished_at: null });
    // A settled run is final: a late beat from a process thought dead does not revive it.
    await runs.heartbeat(silent, at(6 * MINUTE));
    expect((await runs.find(silent))?.heartbeat_at).toBe(at(MINUTE));
  });

  it('settles stale training runs the same way', async () => {
    const runs = database().stores.trainingRuns;
    const silent = await runs.start({ startedAt: at(0) });
    const beating = await runs.start({ startedAt: at(0) });
    await runs.heartbeat(beating, at(4 * MINUTE));
    expect(await runs.settleStale(at(5 * MINUTE), 2 * MINUTE)).toBe(1);
    expect(await runs.find(silent)).toMatchObject({ status: 'interrupted' });
    expect(await runs.find(beating)).toMatchObject({ status: 'running' });
  });

  it('never marks a live run failed because another collection started', async () => {
    const { stores } = database();
    const live = await stores.collectionRuns.start({ source: 'tmdb' });
    await stores.collectionRuns.heartbeat(live, new Date().toISOString());
    const summary = await runIngest(
      { stores, tmdb: tmdbFor(mock), logger: quietLogger() },
      { ...YEARS, maxPagesPerYear: 1, minVotes: 10 },
    );
    expect(summary.status).toBe('succeeded');
    expect(await stores.collectionRuns.find(live)).toMatchObject({ status: 'running', finished_at: null });
  });

  it('writes heartbeats while a collection works', async () => {
    const { stores } = database();
    const slow = await startMockTmdb({ catalog: smallCatalog(3), apiKeys: [KEY], latencyMs: 30 });
    try {
      // Every request takes at least 30 ms, so a 5 ms heartbeat beats before the run ends.
      const summary = await runIngest(
        {
          stores,
          tmdb: tmdbFor(slow),
          logger: quietLogger(),
          liveness: { heartbeatMs: 5, staleAfterMs: MINUTE },
        },
        { ...YEARS, maxPagesPerYear: 1, minVotes: 10 },
      );
      const run = await stores.collectionRuns.find(summary.runId);
      if (!run?.heartbeat_at) throw new Error('expected the run to have written a heartbeat');
      expect(run.heartbeat_at >= run.started_at).toBe(true);
    } finally {
      await slow.close();
    }
  });

  it('shows a run whose process went silent as interrupted in /api/runs and /api/status', async () => {
    const { stores, handle } = database();
    const dead = await stores.collectionRuns.start({ source: 'tmdb', startedAt: at(-60 * MINUTE) });
    await stores.collectionRuns.heartbeat(dead, at(-59 * MINUTE));
    const { app } = await buildTestApp(handle);
    try {
      const runs = await app.inject({ method: 'GET', url: '/api/runs' });
      expect(runs.statusCode).toBe(200);
      expect(runs.json().ingest[0]).toMatchObject({ id: dead, status: 'interrupted' });
      const status = await app.inject({ method: 'GET', url: '/api/status' });
      expect(status.json().last_collection).toMatchObject({ id: dead, status: 'interrupted' });
    } finally {
      await app.close();
    }
  });
});
