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

  it("stores a film's facts and links, replaces them with the next details, and keeps them on a listing update", async () => {
    const { films } = database().stores;
    const blumhouse = { id: 3172, name: 'Blumhouse Productions', origin_country: 'US' };
    const a24 = { id: 41077, name: 'A24', origin_country: 'US' };
    await films.upsert([
      film(70, {
        runtime: 92,
        genres: ['Horror'],
        budget: 5_000_000,
        revenue: 90_000_000,
        status: 'Released',
        tagline: 'Say his name.',
        us_release_date: '2019-10-18',
        spoken_languages: ['en', 'es'],
        collection: { id: 656, name: 'Saw Collection' },
        companies: [a24, blumhouse],
        countries: [{ iso_3166_1: 'US', name: 'United States of America' }],
        keywords: [
          { id: 12339, name: 'slasher' },
          { id: 6152, name: 'supernatural' },
        ],
        details_version: 2,
      }),
      film(71, { companies: [{ ...blumhouse, name: 'Blumhouse' }], details_version: 2 }),
    ]);
    expect(await films.find(70)).toMatchObject({
      budget: 5_000_000,
      revenue: 90_000_000,
      status: 'Released',
      tagline: 'Say his name.',
      us_release_date: '2019-10-18',
      spoken_languages: '["en","es"]',
      collection_id: 656,
      details_version: 2,
    });
    expect(await films.factsOf(70)).toEqual({
      // The newest name of a company wins for every film it is linked to.
      companies: [{ ...blumhouse, name: 'Blumhouse' }, a24],
      countries: [{ iso_3166_1: 'US', name: 'United States of America' }],
      keywords: [
        { id: 6152, name: 'supernatural' },
        { id: 12339, name: 'slasher' },
      ],
      collection: { id: 656, name: 'Saw Collection' },
    });

    // A discover-only update (no facts) keeps every fact and link.
    await films.upsert([film(70, { popularity: 99 })]);
    expect(await films.find(70)).toMatchObject({ popularity: 99, budget: 5_000_000, details_version: 2 });
    expect((await films.factsOf(70)).keywords).toHaveLength(2);

    // New details replace facts and links, a null (TMDB does not know) included.
    await films.upsert([
      film(70, {
        budget: null,
        tagline: null,
        collection: null,
        companies: [a24],
        countries: [],
        keywords: [{ id: 12339, name: 'slasher' }],
        details_version: 2,
      }),
    ]);
    expect(await films.find(70)).toMatchObject({
      budget: null,
      tagline: null,
      collection_id: null,
      revenue: null,
    });
    expect(await films.factsOf(70)).toEqual({
      companies: [a24],
      countries: [],
      keywords: [{ id: 12339, name: 'slasher' }],
      collection: null,
    });
    expect((await films.factsOf(71)).companies).toEqual([{ ...blumhouse, name: 'Blumhouse' }]);
  });

  it('tells per film when its details were fetched and of which version', async () => {
    const { films } = database().stores;
    await films.upsert([
      film(80, { details_fetched_at: '2026-01-01T00:00:00.000Z' }),
      film(81, { details_fetched_at: '2026-01-02T00:00:00.000Z', details_version: 2 }),
      film(82),
    ]);
    const state = await films.detailsState([80, 81, 82, 83]);
    expect(state.get(80)).toEqual({ fetchedAt: '2026-01-01T00:00:00.000Z', version: 0 });
    expect(state.get(81)).toEqual({ fetchedAt: '2026-01-02T00:00:00.000Z', version: 2 });
    expect(state.get(82)).toEqual({ fetchedAt: null, version: 0 });
    expect(state.has(83)).toBe(false);
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
