import { buildKdTree, createNeighbourSearch } from '../ml/kd-tree.js';
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

/**
 * Each film's values as small whole numbers, sorted and without repeats, all films in one array:
 * film i's run is ids[offsets[i], offsets[i + 1]). Counting shared values is then a merge.
 */
interface SortedSets {
  readonly offsets: Int32Array;
  readonly ids: Int32Array;
}

function sortedSets<T>(films: readonly TrainingFilm[], valuesOf: (film: TrainingFilm) => Iterable<T>): SortedSets {
  const idOf = new Map<T, number>();
  const offsets = new Int32Array(films.length + 1);
  const runs: Int32Array[] = films.map((film, i) => {
    const unique = new Set<number>();
    for (const value of valuesOf(film)) {
      let id = idOf.get(value);
      if (id === undefined) {
        id = idOf.size;
        idOf.set(value, id);
      }
      unique.add(id);
    }
    offsets[i + 1] = offsets[i] + unique.size;
    return Int32Array.from(unique).sort();
  });
  const ids = new Int32Array(offsets[films.length]);
  runs.forEach((run, i) => {
    ids.set(run, offsets[i]);
  });
  return { offsets, ids };
}

function sharedCount({ offsets, ids }: SortedSets, a: number, b: number): number {
  let x = offsets[a];
  let y = offsets[b];
  const xEnd = offsets[a + 1];
  const yEnd = offsets[b + 1];
  let shared = 0;
  while (x < xEnd && y < yEnd) {
    if (ids[x] < ids[y]) x++;
    else if (ids[x] > ids[y]) y++;
    else {
      shared++;
      x++;
      y++;
    }
  }
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
  const neighbours = createNeighbourSearch(tree, CANDIDATES);
  const genres = sortedSets(films, (film) => film.genres);
  const keywords = sortedSets(films, (film) => keywordsOf.get(film.tmdbId) ?? []);
  const distance = new Float64Array(CANDIDATES);
  const sharedGenres = new Int32Array(CANDIDATES);
  const sharedKeywords = new Int32Array(CANDIDATES);
  const ranked = new Int32Array(CANDIDATES);
  const rows: SimilarFilm[] = [];
  for (let i = 0; i < films.length; i++) {
    if (i > 0 && i % QUERIES_PER_SLICE === 0) await yieldToEventLoop();
    neighbours.search(i, MAX_LEAVES);
    const count = neighbours.count;
    for (let c = 0; c < count; c++) {
      const j = neighbours.index[c];
      distance[c] = Math.sqrt(neighbours.squared[c]);
      sharedGenres[c] = sharedCount(genres, i, j);
      sharedKeywords[c] = sharedCount(keywords, i, j);
    }
    const before = (a: number, b: number): number =>
      (Math.abs(distance[a] - distance[b]) > TIE_TOLERANCE ? distance[a] - distance[b] : 0) ||
      sharedGenres[b] - sharedGenres[a] ||
      sharedKeywords[b] - sharedKeywords[a] ||
      films[neighbours.index[a]].tmdbId - films[neighbours.index[b]].tmdbId;
    // Insertion sort: twenty candidates, already nearly in order.
    for (let c = 0; c < count; c++) {
      let at = c;
      while (at > 0 && before(ranked[at - 1], c) > 0) {
        ranked[at] = ranked[at - 1];
        at--;
      }
      ranked[at] = c;
    }
    const film = films[i];
    for (let rank = 0; rank < Math.min(SIMILAR_FILMS, count); rank++) {
      const c = ranked[rank];
      rows.push({
        tmdb_id: film.tmdbId,
        rank: rank + 1,
        similar_tmdb_id: films[neighbours.index[c]].tmdbId,
        distance: distance[c],
        shared_genres: sharedGenres[c],
        shared_keywords: sharedKeywords[c],
      });
    }
  }
  return rows;
}
