import { describe, expect, it } from 'vitest';
import { buildKdTree, createNeighbourSearch, type KdTree } from '../../src/ml/kd-tree.js';
import type { TrainingFilm } from '../../src/training/pipeline.js';
import { runTraining } from '../../src/training/run.js';
import { findSimilarFilms, SIMILAR_FILMS, similarFilmRows } from '../../src/training/similar.js';
import { describeEachDialect } from '../helpers/databases.js';
import { demoMovies } from './catalogue.js';

function lcg(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

function film(id: number, overrides: Partial<TrainingFilm> = {}): TrainingFilm {
  return {
    tmdbId: id,
    popularity: 1,
    voteAverage: 6,
    runtime: 90,
    voteCount: 100,
    releaseDate: '2015-06-01',
    genres: ['Horror'],
    originalLanguage: 'en',
    ...overrides,
  };
}

/** Every other row by squared distance, nearest first, ties in row order: what a full scan finds. */
function bruteForce(points: Float64Array, d: number, query: number): Array<{ row: number; squared: number }> {
  const n = points.length / d;
  const rows: Array<{ row: number; squared: number }> = [];
  for (let i = 0; i < n; i++) {
    if (i === query) continue;
    let squared = 0;
    for (let j = 0; j < d; j++) squared += (points[i * d + j]! - points[query * d + j]!) ** 2;
    rows.push({ row: i, squared });
  }
  return rows.sort((a, b) => a.squared - b.squared || a.row - b.row);
}

function searchOf(tree: KdTree, k: number, query: number, maxLeaves?: number) {
  const search = createNeighbourSearch(tree, k);
  search.search(query, maxLeaves);
  return {
    rows: Array.from(search.index.subarray(0, search.count)),
    squared: Array.from(search.squared.subarray(0, search.count)),
  };
}

describe('k-d tree', () => {
  it('finds exactly the nearest distances a full scan finds', () => {
    const random = lcg(3);
    const n = 600;
    const d = 5;
    const points = Float64Array.from({ length: n * d }, () => Math.round(random() * 20) / 4);
    const tree = buildKdTree(points, d);
    for (let q = 0; q < n; q += 37) {
      const expected = bruteForce(points, d, q).slice(0, 8);
      expect(searchOf(tree, 8, q).squared).toEqual(expected.map((entry) => entry.squared));
    }
  });

  it('finds the very rows a full scan finds when distances are distinct, with or without a generous leaf cap', () => {
    const random = lcg(17);
    const n = 2000;
    const d = 14;
    // Continuous values: no two rows at the same distance from a query, so the neighbours are unique.
    const points = Float64Array.from({ length: n * d }, () => random());
    const tree = buildKdTree(points, d);
    for (let q = 0; q < n; q += 97) {
      const expected = bruteForce(points, d, q).slice(0, 20);
      const exact = searchOf(tree, 20, q);
      expect(exact.rows).toEqual(expected.map((entry) => entry.row));
      expect(exact.squared).toEqual(expected.map((entry) => entry.squared));
      // Every leaf holds a row, so a cap of n leaves never stops the search.
      expect(searchOf(tree, 20, q, n)).toEqual(exact);
    }
  });

  it('with a small leaf cap returns true distances of real rows, nearest first, never the query', () => {
    const random = lcg(29);
    const n = 3000;
    const d = 6;
    const points = Float64Array.from({ length: n * d }, () => random());
    const tree = buildKdTree(points, d);
    const q = 1234;
    const all = bruteForce(points, d, q);
    const capped = searchOf(tree, 10, q, 2);
    expect(capped.rows).toHaveLength(10);
    expect(capped.rows).not.toContain(q);
    expect(capped.squared).toEqual([...capped.squared].sort((a, b) => a - b));
    capped.rows.forEach((row, c) => {
      expect(capped.squared[c]).toBe(all.find((entry) => entry.row === row)!.squared);
    });
    // The nearest found is no nearer than the true nearest.
    expect(capped.squared[0]).toBeGreaterThanOrEqual(all[0]!.squared);
  });

  it('searches trees of one point and of identical points', () => {
    expect(searchOf(buildKdTree(Float64Array.of(1, 2), 2), 3, 0)).toEqual({ rows: [], squared: [] });
    const same = buildKdTree(new Float64Array(40 * 3).fill(0.5), 3);
    const found = searchOf(same, 25, 7);
    expect(found.rows).toHaveLength(25);
    expect(found.rows).not.toContain(7);
    expect(found.squared.every((value) => value === 0)).toBe(true);
  });
});

describe('similar films', () => {
  it('keeps ten neighbours per film, nearest first, never the film itself', async () => {
    const random = lcg(11);
    const films = Array.from({ length: 120 }, (_, i) =>
      film(i + 1, {
        runtime: 70 + Math.floor(random() * 60),
        voteCount: Math.floor(random() * 5000),
        releaseDate: `${1990 + Math.floor(random() * 35)}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-10`,
      }),
    );
    const rows = similarFilmRows(await findSimilarFilms(films, new Map()));
    expect(rows).toHaveLength(120 * SIMILAR_FILMS);
    for (const id of [1, 60, 120]) {
      const own = rows.filter((r) => r.tmdb_id === id);
      expect(own.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(own.some((r) => r.similar_tmdb_id === id)).toBe(false);
      const distances = own.map((r) => r.distance);
      expect(distances).toEqual([...distances].sort((a, b) => a - b));
    }
  });

  it('breaks equal distances by shared genres, then shared keywords', async () => {
    // Films 2–13 sit at the same point as film 1 (Drama and Comedy are not analysis features);
    // only shared genres and keywords tell them apart.
    const films = [
      film(1, { genres: ['Horror', 'Drama'] }),
      ...Array.from({ length: 12 }, (_, i) =>
        film(i + 2, { genres: ['Horror', i + 2 === 5 ? 'Drama' : 'Comedy'] }),
      ),
      film(14, { genres: ['Horror', 'Drama'], runtime: 200 }),
    ];
    const keywords = new Map<number, number[]>([
      [1, [7, 8]],
      [9, [7]],
      [12, [7, 8]],
    ]);
    const rows = similarFilmRows(await findSimilarFilms(films, keywords));
    const ofFirst = rows.filter((r) => r.tmdb_id === 1);
    expect(ofFirst.slice(0, 4).map((r) => [r.similar_tmdb_id, r.shared_genres, r.shared_keywords])).toEqual([
      [5, 2, 0],
      [12, 1, 2],
      [9, 1, 1],
      [2, 1, 0],
    ]);
    expect(ofFirst[0]!.distance).toBe(0);
    expect(ofFirst.every((r) => r.similar_tmdb_id !== 14)).toBe(true);
  });
});

describeEachDialect(
  'similar films in a training run',
  (database) => {
    it('a successful run stores ten neighbours for every film', async () => {
      const { stores } = database();
      const movies = demoMovies();
      await stores.films.upsert(movies);
      const { runId } = await runTraining({ stores, settings: { trees: 2 }, threads: 1 });
      const film = movies[0]!.tmdb_id;
      const neighbours = await stores.insights.similarTo(runId, film);
      expect(neighbours).toHaveLength(SIMILAR_FILMS);
      expect(neighbours.some((n) => n.tmdb_id === film)).toBe(false);
      const distances = neighbours.map((n) => n.distance);
      expect(distances).toEqual([...distances].sort((a, b) => a - b));
    });
  },
  { dialects: ['sqlite'] },
);
