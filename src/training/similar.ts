import { buildKdTree, nearestOfRow } from '../ml/kd-tree.js';
import { HORROR_FEATURES, horrorFeatureRow } from './features.js';
import type { TrainingFilm } from './types.js';

/** How many neighbours each film keeps. */
export const SIMILAR_FILMS = 10;
/**
 * Nearest candidates read before ties are broken: equal distances are common (many features are
 * flags), so the films sharing most genres and keywords are picked from a wider circle.
 */
const CANDIDATES = 20;
/**
 * Leaves of the k-d tree one search may visit (16 films each): enough for the exact answer on
 * thousands of films, and it bounds the time per film at 100,000 (then the nearest found).
 */
const MAX_LEAVES = 64;
/** Distances closer than this count as equal. */
const TIE_TOLERANCE = 1e-9;
/** Queries between yields to the event loop, so a server stays responsive while this runs. */
const QUERIES_PER_SLICE = 500;

export interface SimilarFilm {
  tmdb_id: number;
  rank: number;
  similar_tmdb_id: number;
  distance: number;
  shared_genres: number;
  shared_keywords: number;
}

/** Row-major analysis features, each column standardised (a constant column becomes 0). */
export function standardisedFeatures(films: readonly TrainingFilm[]): Float64Array {
  const d = HORROR_FEATURES.length;
  const n = films.length;
  const points = new Float64Array(n * d);
  films.forEach((film, i) => {
    points.set(horrorFeatureRow(film), i * d);
  });
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += points[i * d + j]!;
    mean /= n || 1;
    let variance = 0;
    for (let i = 0; i < n; i++) variance += (points[i * d + j]! - mean) ** 2;
    const std = Math.sqrt(variance / (n || 1));
    for (let i = 0; i < n; i++) points[i * d + j] = std > 0 ? (points[i * d + j]! - mean) / std : 0;
  }
  return points;
}

function sharedCount(a: readonly (string | number)[], b: ReadonlySet<string | number>): number {
  let shared = 0;
  for (const value of a) if (b.has(value)) shared++;
  return shared;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Each film's ten nearest films in the standardised analysis features (by k-d tree), equal
 * distances ordered by more shared genres, then more shared keywords, then TMDB id.
 */
export async function findSimilarFilms(
  films: readonly TrainingFilm[],
  keywordsOf: ReadonlyMap<number, readonly number[]>,
): Promise<SimilarFilm[]> {
  const tree = buildKdTree(standardisedFeatures(films), HORROR_FEATURES.length);
  const genreSets = films.map((f) => new Set<string | number>(f.genres));
  const keywordSets = films.map((f) => new Set<string | number>(keywordsOf.get(f.tmdbId) ?? []));
  const rows: SimilarFilm[] = [];
  for (let i = 0; i < films.length; i++) {
    if (i > 0 && i % QUERIES_PER_SLICE === 0) await yieldToEventLoop();
    const { index, squared } = nearestOfRow(tree, i, CANDIDATES, MAX_LEAVES);
    const film = films[i]!;
    const candidates = index.map((j, c) => ({
      j,
      distance: Math.sqrt(squared[c]!),
      sharedGenres: sharedCount(films[j]!.genres, genreSets[i]!),
      sharedKeywords: sharedCount([...keywordSets[j]!], keywordSets[i]!),
    }));
    candidates.sort(
      (a, b) =>
        (Math.abs(a.distance - b.distance) > TIE_TOLERANCE ? a.distance - b.distance : 0) ||
        b.sharedGenres - a.sharedGenres ||
        b.sharedKeywords - a.sharedKeywords ||
        films[a.j]!.tmdbId - films[b.j]!.tmdbId,
    );
    candidates.slice(0, SIMILAR_FILMS).forEach((c, rank) => {
      rows.push({
        tmdb_id: film.tmdbId,
        rank: rank + 1,
        similar_tmdb_id: films[c.j]!.tmdbId,
        distance: c.distance,
        shared_genres: c.sharedGenres,
        shared_keywords: c.sharedKeywords,
      });
    });
  }
  return rows;
}
