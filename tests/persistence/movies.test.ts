import { describe, expect, it } from 'vitest';
import { createStores, type MovieInput, openDatabase, parseGenres } from '../../src/persistence/index.js';
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

describeEachDialect('films store', (database) => {
  it('upserting twice keeps one row with the new values', async () => {
    const { films } = database().stores;
    const first = await films.upsert([film(1, { runtime: 95, genres: ['Horror', 'Thriller'] })]);
    expect(first).toEqual({ inserted: 1, updated: 0 });
    const second = await films.upsert([film(1, { title: 'Renamed', popularity: 77.5, vote_count: 999 })]);
    expect(second).toEqual({ inserted: 0, updated: 1 });
    const row = await films.find(1);
    expect(row).toMatchObject({ title: 'Renamed', popularity: 77.5, vote_count: 999 });
    // A discover-only update must not blank what /movie/{id} told us.
    expect(row?.runtime).toBe(95);
    expect(parseGenres(row?.genres ?? null)).toEqual(['Horror', 'Thriller']);
    expect(await films.count()).toBe(1);
  });

  it('round-trips Japanese, emoji and right-to-left titles', async () => {
    const { films } = database().stores;
    const titles = { 10: '呪怨 ザ・ファイナル', 11: 'Scream 🔪👻', 12: 'תחת הלבנה', 13: 'الغرفة المظلمة' };
    await films.upsert(
      Object.entries(titles).map(([id, title]) => film(Number(id), { title, original_title: title })),
    );
    for (const [id, title] of Object.entries(titles)) {
      const row = await films.find(Number(id));
      expect(row?.title).toBe(title);
      expect(row?.original_title).toBe(title);
    }
  });

  it('batches thousands of films and ranks them by popularity', async () => {
    const { films } = database().stores;
    const catalogue = Array.from({ length: 1234 }, (_, i) =>
      film(1000 + i, { popularity: (i * 7919) % 1234 }),
    );
    const result = await films.upsert(catalogue);
    expect(result.inserted).toBe(1234);
    const top = await films.top(10);
    expect(top).toHaveLength(10);
    expect(top[0]!.popularity).toBe(1233);
    for (let i = 1; i < top.length; i++)
      expect(top[i - 1]!.popularity).toBeGreaterThanOrEqual(top[i]!.popularity);
  });

  it('returns snapshots oldest first and ignores a second snapshot of the same film in the same run', async () => {
    const { films } = database().stores;
    await films.upsert([film(50)]);
    const before = await films.countSnapshots();
    const times = ['2026-01-03T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z'];
    const written = await films.insertSnapshots(
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
    const history = await films.snapshotHistory(50);
    expect(history.map((s) => s.snapshot_ts)).toEqual([...times].sort());
    expect(await films.countSnapshots()).toBe(before + 3);
  });

  it('lets two connections upsert the same films at once without failing or duplicating', async () => {
    const { url } = database();
    const a = openDatabase(url);
    const b = openDatabase(url);
    const [storesA, storesB] = [createStores(a), createStores(b)];
    try {
      const before = await storesA.films.count();
      const catalogue = Array.from({ length: 800 }, (_, i) => film(5000 + i));
      const reversed = [...catalogue].reverse().map((f) => ({ ...f, popularity: f.popularity + 1 }));
      const results = await Promise.all([
        storesA.films.upsert(catalogue),
        storesB.films.upsert(reversed),
        storesA.films.upsert(catalogue),
        storesB.films.upsert(reversed),
      ]);
      for (const r of results) expect(r.inserted + r.updated).toBe(800);
      expect(await storesA.films.count()).toBe(before + 800);
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
