import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { filmFacts, movieInput, snapshotOf } from '../../src/ingest/film-input.js';
import { DETAILS_VERSION } from '../../src/ingest/plan.js';
import { createPageWriter, type PageWork, type WrittenBatch } from '../../src/ingest/write.js';
import { type DiscoverMovie, movieDetailsSchema } from '../../src/tmdb/schemas.js';
import { describeEachDialect, type TestDatabase } from '../helpers/databases.js';

const listed = (id: number): DiscoverMovie => ({
  id,
  title: `Film ${id}`,
  original_title: `Film ${id}`,
  overview: null,
  original_language: 'en',
  release_date: '2012-10-31',
  popularity: id / 10,
  vote_count: 10 + id,
  vote_average: 6,
  poster_path: null,
  backdrop_path: null,
  genre_ids: [27],
  adult: false,
});

const page = (ids: number[], at = '2026-11-24T00:00:00.000Z'): PageWork => ({
  films: ids.map((id) => movieInput(listed(id), undefined, at)),
  snapshots: ids.map((id) => snapshotOf(listed(id), at)),
});

describe('film input', () => {
  it('keeps a film without details to its listing, and adds every fact when details came', () => {
    const film = listed(5);
    expect(movieInput(film, undefined, 'now')).not.toHaveProperty('details_fetched_at');
    const details = movieDetailsSchema.parse({
      ...film,
      imdb_id: '',
      runtime: 0,
      genres: [{ id: 27, name: 'Horror' }],
      budget: 0,
      revenue: 1_500_000,
      status: 'Released',
      tagline: 'Run.',
      belongs_to_collection: { id: 8, name: 'Run Collection' },
      production_companies: [{ id: 1, name: 'Studio', origin_country: '' }],
      spoken_languages: [{ iso_639_1: 'fr' }],
      release_dates: {
        results: [
          { iso_3166_1: 'US', release_dates: [{ release_date: '2012-11-02T00:00:00.000Z', type: 3 }] },
        ],
      },
    });
    expect(movieInput(film, details, 'now')).toMatchObject({
      imdb_id: null,
      runtime: null,
      genres: ['Horror'],
      details_fetched_at: 'now',
      budget: null,
      revenue: 1_500_000,
      tagline: 'Run.',
      collection: { id: 8, name: 'Run Collection' },
      companies: [{ id: 1, name: 'Studio', origin_country: null }],
      countries: [],
      keywords: [],
      spoken_languages: ['fr'],
      us_release_date: '2012-11-02',
      details_version: DETAILS_VERSION,
    });
    expect(filmFacts(details).details_version).toBe(DETAILS_VERSION);
  });
});

describeEachDialect('page writer', (database) => {
  it('writes pages in transactions, batching what queued up meanwhile, with the run record alongside', async () => {
    const { stores } = database();
    const runId = await stores.collectionRuns.start({ source: 'demo' });
    const committed: WrittenBatch[] = [];
    const write = createPageWriter({
      stores,
      runId,
      now: () => new Date('2026-11-24T00:00:00.000Z'),
      alongside: (trx, written) => trx.collectionRuns.update(runId, { pages: written.pages }),
      committed: (written) => committed.push(written),
      outage: { timeoutMs: 0 },
    });
    await Promise.all([write(page([101, 102])), write(page([103])), write(page([104, 105]))]);
    // The first page goes alone; the two that queued behind it share the next transaction.
    expect(committed).toEqual([
      { pages: 1, inserted: 2, updated: 0, snapshots: 2 },
      { pages: 2, inserted: 3, updated: 0, snapshots: 3 },
    ]);
    expect((await stores.collectionRuns.find(runId))?.pages).toBe(2);
    expect((await stores.films.snapshotHistory(103))[0]).toMatchObject({ ingest_run_id: runId });
  });

  it('stores a film TMDB lists with no votes (and a vote average of 0) without a rating', async () => {
    const { stores } = database();
    const runId = await stores.collectionRuns.start({ source: 'tmdb' });
    const write = createPageWriter({
      stores,
      runId,
      now: () => new Date('2026-11-24T00:00:00.000Z'),
      alongside: async () => {},
      committed: () => {},
      outage: { timeoutMs: 0 },
    });
    const at = '2026-11-24T00:00:00.000Z';
    const unvoted: DiscoverMovie = { ...listed(301), vote_count: 0, vote_average: 0 };
    await write({
      films: [movieInput(unvoted, undefined, at), movieInput(listed(302), undefined, at)],
      snapshots: [snapshotOf(unvoted, at), snapshotOf(listed(302), at)],
    });
    expect(await stores.films.find(301)).toMatchObject({ vote_count: 0, vote_average: null });
    expect(await stores.films.find(302)).toMatchObject({ vote_count: 312, vote_average: 6 });
    expect((await stores.films.snapshotHistory(301)).map((s) => s.vote_average)).toEqual([null]);
    expect((await stores.films.snapshotHistory(302)).map((s) => s.vote_average)).toEqual([6]);

    // Once somebody votes, the film has a rating.
    const voted: DiscoverMovie = { ...unvoted, vote_count: 1, vote_average: 7 };
    await stores.films.upsert([movieInput(voted, undefined, at)]);
    expect(await stores.films.find(301)).toMatchObject({ vote_count: 1, vote_average: 7 });
  });

  it('rejects the pages of a batch whose transaction failed and keeps none of its rows', async () => {
    const { stores } = database();
    const runId = await stores.collectionRuns.start({ source: 'demo' });
    const write = createPageWriter({
      stores,
      runId,
      now: () => new Date(),
      outage: { timeoutMs: 0 },
      alongside: async () => {
        throw new Error('database went away');
      },
      committed: () => {},
    });
    await expect(write(page([201]))).rejects.toThrow('database went away');
    expect(await stores.films.find(201)).toBeUndefined();
  });
});

/**
 * Waits until a heartbeat update of this database's runs has stood in the server's process list
 * on two looks 50 ms apart: it is waiting for a lock. (InnoDB's transaction table may not list an
 * autocommit statement that waits, so the process list is what shows it.)
 */
async function untilHeartbeatWaits({ handle }: TestDatabase): Promise<void> {
  let seen = 0;
  for (let attempt = 0; attempt < 600 && seen < 2; attempt++) {
    const { rows } = await sql<{ n: number }>`
      select count(*) as n from information_schema.processlist
      where db = database() and command = 'Query' and info like 'update \`ingest_runs\` set \`heartbeat_at\`%'`.execute(
      handle.db,
    );
    seen = Number(rows[0]?.n) > 0 ? seen + 1 : 0;
    await sleep(50);
  }
  if (seen < 2) throw new Error('the heartbeat never waited for the page transaction');
}

describeEachDialect(
  'page writer and the heartbeat',
  (database) => {
    // Each snapshot's foreign key reads the run's row, and the run record is updated in the same
    // transaction: a heartbeat queued between the two would make a lock cycle on MySQL.
    it('makes a heartbeat that arrives mid-transaction wait for it instead of deadlocking', async () => {
      const { stores } = database();
      const runId = await stores.collectionRuns.start({ source: 'demo' });
      const beatAt = '2026-11-24T00:05:00.000Z';
      let outside: Promise<void> | undefined;
      const write = createPageWriter({
        stores,
        runId,
        now: () => new Date('2026-11-24T00:00:00.000Z'),
        alongside: async (trx, written) => {
          outside = stores.collectionRuns.heartbeat(runId, beatAt);
          await untilHeartbeatWaits(database());
          await trx.collectionRuns.update(runId, { pages: written.pages });
        },
        committed: () => {},
        outage: { timeoutMs: 0 },
      });
      await write(page([301, 302]));
      await outside;
      const run = await stores.collectionRuns.find(runId);
      expect(run).toMatchObject({ pages: 1, heartbeat_at: beatAt });
    });
  },
  { dialects: ['mysql'] },
);
