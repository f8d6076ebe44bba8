import { describe, expect, it } from 'vitest';
import { buildKdTree, nearestOfRow } from '../../src/ml/kd-tree.js';
import type { TrainingFilm } from '../../src/training/pipeline.js';
import { runTraining } from '../../src/training/run.js';
import { findSimilarFilms, SIMILAR_FILMS } from '../../src/training/similar.js';
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

describe('k-d tree', () => {
  it('finds exactly the nearest rows a full scan finds', () => {
    const random = lcg(3);
    const n = 600;
    const d = 5;
    const points = Float64Array.from({ length: n * d }, () => Math.round(random() * 20) / 4);
    const tree = buildKdTree(points, d);
    for (let q = 0; q < n; q += 37) {
      const distances = Array.from({ length: n }, (_, i) => {
        let sum = 0;
        for (let j = 0; j < d; j++) sum += (points[i * d + j]! - points[q * d + j]!) ** 2;
        return sum;
      });
      const expected = distances
        .map((squared, i) => ({ i, squared }))
        .filter(({ i }) => i !== q)
        .map(({ squared }) => squared)
        .sort((a, b) => a - b)
        .slice(0, 8);
      expect(nearestOfRow(tree, q, 8).squared).toEqual(expected);
    }
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
    const rows = await findSimilarFilms(films, new Map());
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
    const rows = await findSimilarFilms(films, keywords);
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
