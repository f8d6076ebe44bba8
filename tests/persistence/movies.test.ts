import { describe, expect, it } from 'vitest';
import {
  countMovies,
  countSnapshots,
  findMovie,
  insertSnapshots,
  type MovieInput,
  openDatabase,
  parseGenres,
  snapshotHistory,
  topMoviesByPopularity,
  upsertMovies,
} from '../../src/persistence/index.js';
import { describeEachDialect } from '../helpers/databases.js';

function film(id: number, overrides: Partial<MovieInput> = {}): MovieInput {
  return {
    tmdb_id: id,
    title: `Film ${id}`,
    original_title: `Film ${id}`,
    overview: 'Something moves in the dark.',
    original_language: 'en',
    release_date: '2019-10-31',
    popularity: id / 10,
    vote_count: id * 3,
    vote_average: 6.1,
    ...overrides,
  };
}

describeEachDialect('movies repository', (database, dialect) => {
  it('upserting twice keeps one row with the new values', async () => {
    const { db } = database().handle;
    const first = await upsertMovies(db, dialect, [film(1, { runtime: 95, genres: ['Horror', 'Thriller'] })]);
    expect(first).toEqual({ inserted: 1, updated: 0 });
    const second = await upsertMovies(db, dialect, [
      film(1, { title: 'Renamed', popularity: 77.5, vote_count: 999 }),
    ]);
    expect(second).toEqual({ inserted: 0, updated: 1 });
    const row = await findMovie(db, 1);
    expect(row).toMatchObject({ title: 'Renamed', popularity: 77.5, vote_count: 999 });
    // A discover-only update must not blank what /movie/{id} told us.
    expect(row?.runtime).toBe(95);
    expect(parseGenres(row?.genres ?? null)).toEqual(['Horror', 'Thriller']);
    expect(await countMovies(db)).toBe(1);
  });

  it('round-trips Japanese, emoji and right-to-left titles', async () => {
    const { db } = database().handle;
    const titles = { 10: '呪怨 ザ・ファイナル', 11: 'Scream 🔪👻', 12: 'תחת הלבנה', 13: 'الغرفة المظلمة' };
    await upsertMovies(
      db,
      dialect,
      Object.entries(titles).map(([id, title]) => film(Number(id), { title, original_title: title })),
    );
    for (const [id, title] of Object.entries(titles)) {
      const row = await findMovie(db, Number(id));
      expect(row?.title).toBe(title);
      expect(row?.original_title).toBe(title);
    }
  });

  it('batches thousands of films and ranks them by popularity', async () => {
    const { db } = database().handle;
    const films = Array.from({ length: 1234 }, (_, i) => film(1000 + i, { popularity: (i * 7919) % 1234 }));
    const result = await upsertMovies(db, dialect, films);
    expect(result.inserted).toBe(1234);
    const top = await topMoviesByPopularity(db, 10);
    expect(top).toHaveLength(10);
    expect(top[0]!.popularity).toBe(1233);
    for (let i = 1; i < top.length; i++)
      expect(top[i - 1]!.popularity).toBeGreaterThanOrEqual(top[i]!.popularity);
  });

  it('returns snapshots oldest first and ignores a second snapshot of the same film in the same run', async () => {
    const { db } = database().handle;
    await upsertMovies(db, dialect, [film(50)]);
    const before = await countSnapshots(db);
    const times = ['2026-01-03T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z'];
    const written = await insertSnapshots(
      db,
      dialect,
      times.map((snapshot_ts, i) => ({
        tmdb_id: 50,
        ingest_run_id: null,
        snapshot_ts,
        popularity: i,
        vote_count: i,
        vote_average: 5,
      })),
    );
    expect(written).toBe(3);
    const history = await snapshotHistory(db, 50);
    expect(history.map((s) => s.snapshot_ts)).toEqual([...times].sort());
    expect(await countSnapshots(db)).toBe(before + 3);
  });

  it('lets two connections upsert the same films at once without failing or duplicating', async () => {
    const { url } = database();
    const a = openDatabase(url);
    const b = openDatabase(url);
    try {
      const films = Array.from({ length: 800 }, (_, i) => film(5000 + i));
      const reversed = [...films].reverse().map((f) => ({ ...f, popularity: f.popularity + 1 }));
      const results = await Promise.all([
        upsertMovies(a.db, dialect, films),
        upsertMovies(b.db, dialect, reversed),
        upsertMovies(a.db, dialect, films),
        upsertMovies(b.db, dialect, reversed),
      ]);
      for (const r of results) expect(r.inserted + r.updated).toBe(800);
      const count = await a.db
        .selectFrom('movies')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('tmdb_id', '>=', 5000)
        .where('tmdb_id', '<', 5800)
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(800);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('parseGenres', () => {
  it('reads a JSON list and tolerates anything else', () => {
    expect(parseGenres('["Horror","Mystery"]')).toEqual(['Horror', 'Mystery']);
    expect(parseGenres(null)).toEqual([]);
    expect(parseGenres('not json')).toEqual([]);
  });
});
