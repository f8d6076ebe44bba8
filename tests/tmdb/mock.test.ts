import { afterEach, describe, expect, it } from 'vitest';
import { discoverableFilms, parseCatalogJsonl } from '../../src/tmdb/catalog.js';
import { generateDemoCatalog } from '../../src/tmdb/demo-catalog.js';
import { type MockTmdb, startMockTmdb } from '../../src/tmdb/mock/index.js';
import { film, genre } from './helpers.js';

const KEY = 'mock-test-key-1234';
let mock: MockTmdb | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

interface TmdbAnswer {
  results: Array<{ id: number; popularity: number; genre_ids: number[] }>;
  total_results?: number;
  status_code?: number;
  genres?: Array<{ id: number; name: string }>;
  [field: string]: unknown;
}

const ids = (answer: { body: TmdbAnswer }) => answer.body.results.map((r) => r.id);

async function get(path: string, init: { key?: string; bearer?: string } = { key: KEY }) {
  const url = new URL(mock!.url + path);
  if (init.key) url.searchParams.set('api_key', init.key);
  const headers: Record<string, string> = init.bearer ? { authorization: `Bearer ${init.bearer}` } : {};
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, body: (await response.json()) as TmdbAnswer };
}

const discover = (params: string) => get(`/discover/movie?${params}`);

describe('mock TMDB discover', () => {
  const catalog = [
    ...Array.from({ length: 45 }, (_, i) => film(1000 + i, { popularity: i, vote_count: 5 + i })),
    film(1, { release_date: '2013-05-01', vote_count: 500 }),
    film(2, { genres: [genre(53)] }),
    film(3, { genres: [genre(27), genre(53)], popularity: 999 }),
  ];

  it('pages 20 films at a time, most popular first, with totals', async () => {
    mock = await startMockTmdb({ catalog, apiKeys: [KEY] });
    const first = await discover('primary_release_year=2012&with_genres=27&sort_by=popularity.desc&page=1');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ page: 1, total_results: 46, total_pages: 3 });
    expect(first.body.results).toHaveLength(20);
    expect(first.body.results[0]).toMatchObject({ id: 3, genre_ids: [27, 53] });
    const pops = first.body.results.map((r) => r.popularity);
    expect(pops).toEqual([...pops].sort((a, b) => b - a));
    const third = await discover('primary_release_year=2012&with_genres=27&page=3');
    expect(third.body.results).toHaveLength(6);
    const all = [first, await discover('primary_release_year=2012&with_genres=27&page=2'), third].flatMap(
      (p) => ids(p),
    );
    expect(new Set(all).size).toBe(46);
    expect((await discover('primary_release_year=2012&with_genres=27&page=4')).body.results).toEqual([]);
  });

  it('filters by year, vote count and genres (comma: all of them, pipe: any of them)', async () => {
    mock = await startMockTmdb({ catalog, apiKeys: [KEY] });
    const voted = await discover('primary_release_year=2012&with_genres=27&vote_count.gte=40');
    expect(voted.body.total_results).toBe(10 + 1);
    expect(ids(await discover('primary_release_year=2013&with_genres=27'))).toEqual([1]);
    expect(ids(await discover('primary_release_year=2012&with_genres=27,53'))).toEqual([3]);
    expect((await discover('primary_release_year=2012&with_genres=27|53')).body.total_results).toBe(47);
  });

  it('caps total_pages at 500 and refuses pages beyond it like TMDB', async () => {
    mock = await startMockTmdb({
      catalog: Array.from({ length: 10_050 }, (_, i) => film(i + 1)),
      apiKeys: [KEY],
    });
    const page = await discover('primary_release_year=2012&page=1');
    expect(page.body).toMatchObject({ total_pages: 500, total_results: 10_050 });
    const beyond = await discover('primary_release_year=2012&page=501');
    expect(beyond.status).toBe(400);
    expect(beyond.body.status_code).toBe(22);
  });
});

describe('mock TMDB details, genres and errors', () => {
  it('answers /movie/{id} with runtime, genres and imdb_id, and 404 status_code 34 for an unknown film', async () => {
    mock = await startMockTmdb({ catalog: [film(7, { runtime: 101 })], apiKeys: [KEY] });
    const found = await get('/movie/7');
    expect(found.body).toMatchObject({
      id: 7,
      runtime: 101,
      imdb_id: 'tt1000007',
      genres: [{ id: 27, name: 'Horror' }],
    });
    const missing = await get('/movie/8');
    expect(missing.status).toBe(404);
    expect(missing.body.status_code).toBe(34);
    expect((await get('/genre/movie/list')).body.genres).toContainEqual({ id: 27, name: 'Horror' });
  });

  it('accepts a good key as api_key or Bearer and answers 401 status_code 7 otherwise', async () => {
    mock = await startMockTmdb({ catalog: [film(7)], apiKeys: [KEY, 'eyJtoken'] });
    expect((await get('/movie/7', { bearer: 'eyJtoken' })).status).toBe(200);
    expect((await get('/movie/7', { key: KEY })).status).toBe(200);
    for (const init of [{ key: 'wrong' }, { bearer: 'eyJwrong' }, {}]) {
      const refused = await get('/movie/7', init);
      expect(refused.status).toBe(401);
      expect(refused.body.status_code).toBe(7);
    }
  });

  it('answers 429 with Retry-After above its rate and reports the busiest second', async () => {
    mock = await startMockTmdb({ catalog: [film(7)], apiKeys: [KEY], rateLimit: 5 });
    const answers = await Promise.all(Array.from({ length: 8 }, () => get('/movie/7')));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(5);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(3);
    expect(Number(refused[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused[0].body.status_code).toBe(25);
    expect(mock.stats.maxPerSecond).toBe(8);
  });

  it('injects the share of faults it is asked for, and never keeps the key in its log', async () => {
    mock = await startMockTmdb({
      catalog: [film(7)],
      apiKeys: [KEY],
      faults: { rate: 1, kinds: { '503': 1 } },
    });
    const answers = await Promise.all(Array.from({ length: 5 }, () => get('/movie/7')));
    expect(answers.map((a) => a.status)).toEqual([503, 503, 503, 503, 503]);
    expect(mock.stats.faults['503']).toBe(5);
    mock.update({ faults: { rate: 0 } });
    expect((await get('/movie/7')).status).toBe(200);
    expect(JSON.stringify(mock.stats.log)).not.toContain(KEY);
  });
});

describe('mock TMDB details facts', () => {
  const withFacts = film(9, {
    budget: 4_500_000,
    belongs_to_collection: { id: 656, name: 'Saw Collection' },
    production_companies: [{ id: 3172, name: 'Blumhouse Productions', origin_country: 'US' }],
    production_countries: [{ iso_3166_1: 'US', name: 'United States of America' }],
    spoken_languages: [{ iso_639_1: 'en', english_name: 'English', name: 'English' }],
    keywords: [{ id: 12339, name: 'slasher' }],
    release_dates: [
      {
        iso_3166_1: 'US',
        release_dates: [{ release_date: '2012-10-26T00:00:00.000Z', type: 3, certification: 'R', note: '' }],
      },
    ],
  });

  it('appends keywords and release dates only when append_to_response names them', async () => {
    mock = await startMockTmdb({ catalog: [withFacts, film(10)], apiKeys: [KEY] });
    const plain = await get('/movie/9');
    expect(plain.body).not.toHaveProperty('keywords');
    expect(plain.body).not.toHaveProperty('release_dates');
    expect(plain.body).toMatchObject({
      budget: 4_500_000,
      belongs_to_collection: { id: 656, name: 'Saw Collection' },
      production_companies: [
        { id: 3172, name: 'Blumhouse Productions', origin_country: 'US', logo_path: null },
      ],
    });
    const full = await get('/movie/9?append_to_response=keywords,release_dates');
    expect(full.body.keywords).toEqual({ keywords: [{ id: 12339, name: 'slasher' }] });
    expect(full.body.release_dates).toMatchObject({ results: [{ iso_3166_1: 'US' }] });
    const onlyKeywords = await get('/movie/9?append_to_response=keywords');
    expect(onlyKeywords.body).not.toHaveProperty('release_dates');
  });

  it('answers TMDB empty values for the facts a catalogue film lacks', async () => {
    mock = await startMockTmdb({ catalog: [film(10)], apiKeys: [KEY] });
    const answer = await get('/movie/10?append_to_response=keywords,release_dates');
    expect(answer.body).toMatchObject({
      belongs_to_collection: null,
      production_companies: [],
      production_countries: [],
      spoken_languages: [],
      keywords: { keywords: [] },
      release_dates: { results: [] },
    });
  });
});

describe('catalogues', () => {
  it('reads a JSONL catalogue in the layout of the shared TMDB extract', () => {
    const line = (id: number, extra = '') =>
      `{"id": ${id}, "title": "T${id}", "original_title": "T${id}", "original_language": "en", "release_date": "1999-10-01", "popularity": 1.5, "vote_count": 12, "vote_average": 6.1, "runtime": 88, "genres": [{"id": 27, "name": "Horror"}], "budget": 0, "revenue": 0, "tagline": "", "adult": false, "imdb_id": null, "overview": "", "poster_path": null, "backdrop_path": null${extra}}`;
    const films = parseCatalogJsonl(`${line(1)}\n\n${line(2, ', "unknown": 1')}\n${line(1)}\n`);
    expect(films.map((f) => f.id)).toEqual([1, 2]);
    expect(films[0]).toMatchObject({ imdb_id: null, runtime: 88, overview: '' });
    expect(() => parseCatalogJsonl('{"id": "x"}', 'bad.jsonl')).toThrow(/bad.jsonl line 1/);
  });

  it('generates the same demo catalogue for the same seed, with a realistic shape', () => {
    const now = new Date('2026-11-24T00:00:00Z');
    const catalog = generateDemoCatalog({ seed: 3, now });
    expect(generateDemoCatalog({ seed: 3, now })).toEqual(catalog);
    expect(catalog.length).toBeGreaterThanOrEqual(5000);
    expect(new Set(catalog.map((f) => f.id)).size).toBe(catalog.length);
    const years = catalog.map((f) => Number(f.release_date.slice(0, 4)));
    expect(Math.min(...years)).toBe(2010);
    expect(Math.max(...years)).toBe(2026);

    const months = new Array(13).fill(0);
    for (const f of catalog) months[Number(f.release_date.slice(5, 7))] += 1;
    const usual = (months[3] + months[4] + months[5] + months[6]) / 4;
    expect(months[10]).toBeGreaterThan(1.7 * usual);

    const votes = catalog.map((f) => f.vote_count).sort((a, b) => a - b);
    const median = votes[Math.floor(votes.length / 2)];
    expect(votes[votes.length - 1]).toBeGreaterThan(100 * Math.max(1, median));
    const voted = discoverableFilms(catalog, { fromYear: 2010, toYear: 2026, minVotes: 10 });
    expect(voted.length / catalog.length).toBeGreaterThan(0.3);
    expect(voted.length / catalog.length).toBeLessThan(0.7);
    // Popularity follows votes: the most-voted tenth is far more popular than the least-voted half.
    const byVotes = [...catalog].sort((a, b) => a.vote_count - b.vote_count);
    const mean = (fs: typeof catalog) => fs.reduce((s, f) => s + f.popularity, 0) / fs.length;
    expect(mean(byVotes.slice(-byVotes.length / 10))).toBeGreaterThan(
      3 * mean(byVotes.slice(0, byVotes.length / 2)),
    );
    const english = catalog.filter((f) => f.original_language === 'en').length / catalog.length;
    expect(english).toBeGreaterThan(0.45);
    expect(english).toBeLessThan(0.7);
    expect(catalog.every((f) => f.genres.some((g) => g.id === 27))).toBe(true);
    const runtimes = voted.map((f) => f.runtime ?? 0).filter((r) => r > 0);
    expect(runtimes.reduce((s, r) => s + r, 0) / runtimes.length).toBeGreaterThan(80);
  });
});
