import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIngest } from '../../src/ingest/index.js';
import type { CatalogFilm } from '../../src/tmdb/catalog.js';
import { generateDemoCatalog } from '../../src/tmdb/demo-catalog.js';
import { type MockTmdb, startMockTmdb } from '../../src/tmdb/mock/index.js';
import { describeEachDialect } from '../helpers/databases.js';
import { expectedFilms, KEY, quietLogger, smallCatalog, tmdbFor, YEARS } from '../ingest/helpers.js';

const now = new Date('2026-11-24T00:00:00Z');
const catalog = generateDemoCatalog({ seed: 3, now });
/** The films a collection keeps (at least 10 votes): the ones the models learn from. */
const voted = catalog.filter((film) => film.vote_count >= 10);

const BIG_COMPANY_IDS = new Set([3172, 41077, 174, 33, 1632, 7405, 3287, 12, 2481, 2061]);
const share = (films: readonly CatalogFilm[], test: (film: CatalogFilm) => boolean) =>
  films.filter(test).length / films.length;
const companiesOf = (film: CatalogFilm) => film.production_companies ?? [];
const keywordsOf = (film: CatalogFilm) => (film.keywords ?? []).map((keyword) => keyword.name);
const hasBigCompany = (film: CatalogFilm) =>
  companiesOf(film).some((company) => BIG_COMPANY_IDS.has(company.id));
const isSequel = (film: CatalogFilm) => keywordsOf(film).includes('sequel');
const hasKeyword = (name: string) => (film: CatalogFilm) => keywordsOf(film).includes(name);
const meanOf = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/** Mean log popularity of the films that pass the test minus that of the others. */
function popularityLift(test: (film: CatalogFilm) => boolean): number {
  const logPopularity = (films: CatalogFilm[]) => meanOf(films.map((film) => Math.log1p(film.popularity)));
  return logPopularity(voted.filter(test)) - logPopularity(voted.filter((film) => !test(film)));
}

function ratingLift(test: (film: CatalogFilm) => boolean): number {
  const rating = (films: CatalogFilm[]) => meanOf(films.map((film) => film.vote_average));
  return rating(voted.filter(test)) - rating(voted.filter((film) => !test(film)));
}

describe('demo catalogue facts', () => {
  it('leaves most budgets unknown and keeps known ones between $0.5M and $80M', () => {
    const known = share(voted, (film) => film.budget > 0);
    expect(known).toBeGreaterThan(0.2);
    expect(known).toBeLessThan(0.4);
    expect(share(catalog, (film) => film.budget > 0)).toBeLessThan(known);
    const budgets = voted.map((film) => film.budget).filter((budget) => budget > 0);
    expect(Math.min(...budgets)).toBeGreaterThanOrEqual(500_000);
    expect(Math.max(...budgets)).toBeLessThanOrEqual(80_000_000);
    const sorted = [...budgets].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    expect(median).toBeGreaterThan(1_500_000);
    expect(median).toBeLessThan(10_000_000);
    // Revenue only where the budget is known, for part of those films.
    expect(catalog.every((film) => film.revenue === 0 || film.budget > 0)).toBe(true);
    const withRevenue = share(
      voted.filter((film) => film.budget > 0),
      (film) => film.revenue > 0,
    );
    expect(withRevenue).toBeGreaterThan(0.2);
    expect(withRevenue).toBeLessThan(0.7);
  });

  it('puts about one film in seven in a collection of two to six films in one language', () => {
    const inCollection = share(catalog, (film) => film.belongs_to_collection != null);
    expect(inCollection).toBeGreaterThan(0.08);
    expect(inCollection).toBeLessThan(0.22);
    const members = new Map<number, CatalogFilm[]>();
    for (const film of catalog) {
      const id = film.belongs_to_collection?.id;
      if (id !== undefined) members.set(id, [...(members.get(id) ?? []), film]);
    }
    for (const films of members.values()) {
      expect(films.length).toBeGreaterThanOrEqual(2);
      expect(films.length).toBeLessThanOrEqual(6);
      expect(new Set(films.map((film) => film.original_language)).size).toBe(1);
      // The first film started it; the others are later sequels.
      const [first, ...sequels] = films;
      expect(isSequel(first)).toBe(false);
      for (const sequel of sequels) {
        expect(isSequel(sequel)).toBe(true);
        expect(sequel.release_date > first.release_date).toBe(true);
      }
    }
  });

  it('gives a quarter of the widely seen films a big company and the rest a long tail', () => {
    const big = share(voted, hasBigCompany);
    expect(big).toBeGreaterThan(0.18);
    expect(big).toBeLessThan(0.35);
    const filmsPerCompany = new Map<number, number>();
    for (const film of voted) {
      for (const company of companiesOf(film)) {
        filmsPerCompany.set(company.id, (filmsPerCompany.get(company.id) ?? 0) + 1);
      }
    }
    const small = [...filmsPerCompany].filter(([id]) => !BIG_COMPANY_IDS.has(id)).map(([, films]) => films);
    expect(Math.max(...small)).toBeLessThan(filmsPerCompany.get(3172)!);
    expect(share(voted, (film) => companiesOf(film).length === 0)).toBeLessThan(0.25);
    // Most small companies make one or two of the films.
    expect(small.filter((films) => films <= 2).length / small.length).toBeGreaterThan(0.6);
  });

  it('places films in the countries of their language, mostly the US', () => {
    const countries = new Map<string, number>();
    for (const film of voted) {
      for (const country of film.production_countries ?? []) {
        countries.set(country.iso_3166_1, (countries.get(country.iso_3166_1) ?? 0) + 1);
      }
    }
    const ranked = [...countries].sort((a, b) => b[1] - a[1]).map(([code]) => code);
    expect(ranked[0]).toBe('US');
    expect(ranked.slice(0, 8)).toContain('GB');
    const home = (language: string, country: string) =>
      share(
        catalog.filter((film) => film.original_language === language),
        (film) => film.production_countries?.[0]?.iso_3166_1 === country,
      );
    expect(home('ja', 'JP')).toBeGreaterThan(0.9);
    expect(home('ko', 'KR')).toBeGreaterThan(0.9);
    expect(home('en', 'US')).toBeGreaterThan(0.5);
    expect(home('es', 'ES') + home('es', 'MX')).toBeGreaterThan(0.6);
  });

  it('tags every film with two to eight keywords and most with a tagline', () => {
    expect(
      catalog.every((film) => (film.keywords ?? []).length >= 2 && (film.keywords ?? []).length <= 8),
    ).toBe(true);
    for (const name of ['slasher', 'found footage', 'haunted house', 'possession', 'zombie']) {
      expect(share(voted, hasKeyword(name))).toBeGreaterThan(0.03);
    }
    const tagline = share(catalog, (film) => film.tagline !== '');
    expect(tagline).toBeGreaterThan(0.45);
    expect(tagline).toBeLessThan(0.75);
  });

  it('marks released films Released and dates their US release near the primary one', () => {
    for (const film of catalog) {
      const released = Date.parse(film.release_date) <= now.getTime();
      expect(film.status === 'Released').toBe(released);
      const us = film.release_dates?.find((country) => country.iso_3166_1 === 'US');
      if (!us) continue;
      const days =
        (Date.parse(us.release_dates[0].release_date) - Date.parse(film.release_date)) / 86_400_000;
      expect(days).toBeGreaterThanOrEqual(0);
      expect(days).toBeLessThanOrEqual(200);
    }
    expect(catalog.some((film) => film.status === 'Post Production')).toBe(true);
    const usFilms = voted.filter((film) => film.production_countries?.[0]?.iso_3166_1 === 'US');
    expect(
      share(usFilms, (film) => film.release_dates?.some((country) => country.iso_3166_1 === 'US') ?? false),
    ).toBe(1);
  });

  it('carries effects a model can learn, with noise around them', () => {
    expect(popularityLift(hasBigCompany)).toBeGreaterThan(0.2);
    expect(popularityLift((film) => film.budget > 0)).toBeGreaterThan(0.15);
    expect(popularityLift(isSequel)).toBeGreaterThan(0.15);
    expect(popularityLift((film) => film.release_date.slice(5, 7) === '10')).toBeGreaterThan(0.03);
    expect(popularityLift(hasKeyword('haunted house'))).toBeGreaterThan(0.15);
    expect(popularityLift(hasKeyword('possession'))).toBeGreaterThan(0.15);
    expect(popularityLift(hasKeyword('found footage'))).toBeLessThan(-0.1);
    expect(ratingLift(hasKeyword('found footage'))).toBeLessThan(-0.15);
    // Noise: not every big-company film outranks every film without one.
    const withBig = voted.filter(hasBigCompany).map((film) => film.popularity);
    const without = voted.filter((film) => !hasBigCompany(film)).map((film) => film.popularity);
    expect(Math.min(...withBig)).toBeLessThan(Math.max(...without));
    const footage = voted.filter(hasKeyword('found footage'));
    const footageBudgets = footage.map((film) => film.budget).filter((budget) => budget > 0);
    const otherBudgets = voted
      .filter((film) => !hasKeyword('found footage')(film))
      .map((film) => film.budget)
      .filter((budget) => budget > 0);
    expect(meanOf(footageBudgets.map(Math.log))).toBeLessThan(meanOf(otherBudgets.map(Math.log)) - 0.5);
  });

  it('draws the same facts for the same seed and other facts for another', () => {
    const facts = (films: CatalogFilm[]) =>
      films.map((film) => [
        film.budget,
        film.production_companies,
        film.keywords,
        film.belongs_to_collection,
      ]);
    const again = generateDemoCatalog({ seed: 3, now });
    expect(facts(again)).toEqual(facts(catalog));
    expect(facts(generateDemoCatalog({ seed: 4, now }))).not.toEqual(facts(catalog));
  });
});

describeEachDialect(
  'a collection from the demo mock',
  (database) => {
    const demo = smallCatalog();
    let mock: MockTmdb;
    beforeAll(async () => {
      mock = await startMockTmdb({ catalog: demo, apiKeys: [KEY] });
    });
    afterAll(async () => {
      await mock.close();
    });

    it('stores the companies, countries, keywords and collection of every film', async () => {
      const stores = database().stores;
      const summary = await runIngest(
        { stores, tmdb: tmdbFor(mock), logger: quietLogger() },
        { ...YEARS, maxPagesPerYear: 20, minVotes: 10 },
      );
      const films = expectedFilms(demo);
      expect(summary).toMatchObject({ status: 'succeeded', newFilms: films.length });
      const byId = <T extends { id: number }>(a: T, b: T) => a.id - b.id;
      for (const film of films) {
        expect(await stores.films.factsOf(film.id)).toEqual({
          companies: [...companiesOf(film)].sort(byId),
          countries: [...(film.production_countries ?? [])].sort((a, b) =>
            a.iso_3166_1.localeCompare(b.iso_3166_1),
          ),
          keywords: [...(film.keywords ?? [])].sort(byId),
          collection: film.belongs_to_collection ?? null,
        });
        expect(await stores.films.find(film.id)).toMatchObject({
          budget: film.budget || null,
          revenue: film.revenue || null,
          collection_id: film.belongs_to_collection?.id ?? null,
        });
      }
      expect(films.some((film) => film.belongs_to_collection)).toBe(true);
      expect(films.some(hasBigCompany)).toBe(true);
    });
  },
  { dialects: ['sqlite'] },
);
