import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillDemoHistory, DEMO_HISTORY_DAYS, DEMO_HISTORY_STEP_DAYS } from '../../src/ingest/index.js';
import { demoPopularityDrift, generateDemoCatalog } from '../../src/tmdb/demo-catalog.js';
import { describeEachDialect } from '../helpers/databases.js';
import { buildTestApp, type TestApp } from './app.js';
import { seededFilm } from './seed.js';

describe('demo catalogue drift', () => {
  it('moves popularity from day to day, the same way for the same day', () => {
    const options = { seed: 5, fromYear: 2020, toYear: 2021, filmsPerYear: 50 };
    const monday = generateDemoCatalog({ ...options, now: new Date('2026-03-02T12:00:00Z') });
    const twoWeeksLater = new Map(
      generateDemoCatalog({ ...options, now: new Date('2026-03-16T12:00:00Z') }).map((f) => [f.id, f]),
    );
    const changes = monday.flatMap((f) => {
      const later = twoWeeksLater.get(f.id);
      return later ? [later.popularity / f.popularity] : [];
    });
    expect(changes.filter((c) => c > 1.1).length).toBeGreaterThan(10);
    expect(changes.filter((c) => c < 0.9).length).toBeGreaterThan(10);
    const again = generateDemoCatalog({ ...options, now: new Date('2026-03-02T12:00:00Z') });
    expect(again).toEqual(monday);
  });

  it('keeps every film within 0.7× to 1.42× of its base popularity', () => {
    for (let day = 0; day < 90; day++) {
      const drift = demoPopularityDrift(12_345 + day * 7, new Date(Date.UTC(2026, 0, 1 + day)));
      expect(drift).toBeGreaterThanOrEqual(Math.exp(-0.35));
      expect(drift).toBeLessThanOrEqual(Math.exp(0.35));
    }
  });
});

describeEachDialect('demo history backfill', (database) => {
  let test: TestApp;
  const now = new Date('2026-05-01T00:00:00.000Z');

  beforeAll(async () => {
    const { stores } = database();
    await stores.films.upsert(Array.from({ length: 30 }, (_, i) => seededFilm(i + 1)));
    test = await buildTestApp(database().handle);
  });
  afterAll(async () => {
    await test?.app.close();
  });

  async function movers(app: FastifyInstance, query: string) {
    const response = await app.inject({ method: 'GET', url: `/api/insights/movers?${query}` });
    return response.json() as { items: Array<{ tmdb_id: number; change: number }> };
  }

  it('writes one snapshot per film every few days over the last 60 days, outside any run', async () => {
    const { stores } = database();
    const written = await backfillDemoHistory(stores, { now });
    const perFilm = DEMO_HISTORY_DAYS / DEMO_HISTORY_STEP_DAYS;
    expect(written).toBe(30 * perFilm);
    const history = await stores.films.snapshotHistory(7);
    expect(history).toHaveLength(perFilm);
    expect(history[0]).toMatchObject({ ingest_run_id: null, snapshot_ts: '2026-03-02T00:00:00.000Z' });
    expect(history.at(-1)?.snapshot_ts).toBe('2026-04-28T00:00:00.000Z');
    expect(new Set(history.map((s) => s.popularity)).size).toBeGreaterThan(5);
    expect(history[0]!.vote_count).toBeLessThan(history.at(-1)!.vote_count);
  });

  it('gives the movers card risers and fallers over 7 and 30 days', async () => {
    for (const window of [7, 30]) {
      const risers = await movers(test.app, `window=${window}&direction=risers&limit=100`);
      const fallers = await movers(test.app, `window=${window}&direction=fallers&limit=100`);
      expect(risers.items.length).toBeGreaterThan(0);
      expect(fallers.items.length).toBeGreaterThan(0);
      expect(risers.items.length + fallers.items.length).toBeLessThanOrEqual(30);
      expect(risers.items.every((m) => m.change > 0)).toBe(true);
      expect(fallers.items.every((m) => m.change < 0)).toBe(true);
    }
  });

  it('gives a film nobody has voted on a history without a rating', async () => {
    const { stores } = database();
    await stores.films.upsert([{ ...seededFilm(31), vote_count: 0, vote_average: 0 }]);
    await backfillDemoHistory(stores, { now });
    const history = await stores.films.snapshotHistory(31);
    expect(history).toHaveLength(DEMO_HISTORY_DAYS / DEMO_HISTORY_STEP_DAYS);
    expect(new Set(history.map((s) => s.vote_average))).toEqual(new Set([null]));
    expect(new Set((await stores.films.snapshotHistory(7)).map((s) => s.vote_average))).toEqual(
      new Set([seededFilm(7).vote_average]),
    );
    // August holds films 7 and 19 (rated 4.7 and 5.9) and film 31, which has no rating to count.
    const response = await test.app.inject({ method: 'GET', url: '/api/insights/release-months' });
    const august = response.json().months[7];
    expect(august).toMatchObject({ month: 8, film_count: 3 });
    expect(august.rating.median).toBeCloseTo(5.3, 9);
  });
});
