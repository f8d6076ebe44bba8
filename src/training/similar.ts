import { neighboursOnCallingThread } from '../ml/forest-pool.js';
import type { NeighboursFinder } from '../ml/kd-tree.js';
import { yieldToEventLoop } from './event-loop.js';
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
 * Leaves of the k-d tree one search may visit (at most 16 films each). Far sides are pruned by
 * their bounding boxes, so a search rarely needs more than a few dozen: on the generated catalogue
 * of 10,000 and of 100,000 films every search ended before the cap (the same neighbours as an
 * uncapped search). The cap only bounds the time a pathological catalogue could take.
 */
const MAX_LEAVES = 256;
/** Distances closer than this count as equal. */
const TIE_TOLERANCE = 1e-9;
/** Films between yields to the event loop, so results the pool sends back are taken in meanwhile. */
const FILMS_PER_SLICE = 500;

export interface SimilarFilm {
  tmdb_id: number;
  rank: number;
  similar_tmdb_id: number;
  distance: number;
  shared_genres: number;
  shared_keywords: number;
}

/**
 * Every film's neighbours, one column per field, films in input order and each film's neighbours
 * nearest first (rank = position within the film's run + 1). Columns cross threads as they are,
 * where a million row objects would have to be copied one by one.
 */
export interface SimilarFilms {
  readonly tmdbId: Int32Array;
  readonly similarTmdbId: Int32Array;
  readonly rank: Uint8Array;
  readonly distance: Float64Array;
  readonly sharedGenres: Uint16Array;
  readonly sharedKeywords: Uint16Array;
}

/** The rows the similar_films table receives. */
export function similarFilmRows(similar: SimilarFilms): SimilarFilm[] {
  return Array.from(similar.tmdbId, (tmdbId, r) => ({
    tmdb_id: tmdbId,
    rank: similar.rank[r],
    similar_tmdb_id: similar.similarTmdbId[r],
    distance: similar.distance[r],
    shared_genres: similar.sharedGenres[r],
    shared_keywords: similar.sharedKeywords[r],
  }));
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

function sortedSets<T>(
  films: readonly TrainingFilm[],
  valuesOf: (film: TrainingFilm) => Iterable<T>,
): SortedSets {
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

/**
 * Each film's ten nearest films in the standardised analysis features (by k-d tree, searched by
 * `find`: the calling thread or a worker pool), equal distances ordered by more shared genres,
 * then more shared keywords, then TMDB id.
 */
export async function findSimilarFilms(
  films: readonly TrainingFilm[],
  keywordsOf: ReadonlyMap<number, readonly number[]>,
  find: NeighboursFinder = neighboursOnCallingThread,
): Promise<SimilarFilms> {
  const found = await find({
    points: standardisedFeatures(films),
    dimensions: HORROR_FEATURES.length,
    k: CANDIDATES,
    maxLeaves: MAX_LEAVES,
  });
  const genres = sortedSets(films, (film) => film.genres);
  const keywords = sortedSets(films, (film) => keywordsOf.get(film.tmdbId) ?? []);
  const distance = new Float64Array(CANDIDATES);
  const sharedGenres = new Int32Array(CANDIDATES);
  const sharedKeywords = new Int32Array(CANDIDATES);
  const ranked = new Int32Array(CANDIDATES);
  const capacity = films.length * Math.min(SIMILAR_FILMS, Math.max(films.length - 1, 0));
  const out: SimilarFilms = {
    tmdbId: new Int32Array(capacity),
    similarTmdbId: new Int32Array(capacity),
    rank: new Uint8Array(capacity),
    distance: new Float64Array(capacity),
    sharedGenres: new Uint16Array(capacity),
    sharedKeywords: new Uint16Array(capacity),
  };
  let base = 0;
  const neighbour = (c: number): number => found.index[base + c];
  // Candidate a's place relative to candidate b's: above 0 when b comes first.
  const before = (a: number, b: number): number =>
    (Math.abs(distance[a] - distance[b]) > TIE_TOLERANCE ? distance[a] - distance[b] : 0) ||
    sharedGenres[b] - sharedGenres[a] ||
    sharedKeywords[b] - sharedKeywords[a] ||
    films[neighbour(a)].tmdbId - films[neighbour(b)].tmdbId;
  let rows = 0;
  for (let i = 0; i < films.length; i++) {
    if (i > 0 && i % FILMS_PER_SLICE === 0) await yieldToEventLoop();
    base = i * found.k;
    const count = found.found[i];
    for (let c = 0; c < count; c++) {
      const j = neighbour(c);
      distance[c] = Math.sqrt(found.squared[base + c]);
      sharedGenres[c] = sharedCount(genres, i, j);
      sharedKeywords[c] = sharedCount(keywords, i, j);
    }
    // Insertion sort: twenty candidates, already nearly in order.
    for (let c = 0; c < count; c++) {
      let at = c;
      while (at > 0 && before(ranked[at - 1], c) > 0) {
        ranked[at] = ranked[at - 1];
        at--;
      }
      ranked[at] = c;
    }
    for (let rank = 0; rank < Math.min(SIMILAR_FILMS, count); rank++) {
      const c = ranked[rank];
      out.tmdbId[rows] = films[i].tmdbId;
      out.similarTmdbId[rows] = films[neighbour(c)].tmdbId;
      out.rank[rows] = rank + 1;
      out.distance[rows] = distance[c];
      out.sharedGenres[rows] = sharedGenres[c];
      out.sharedKeywords[rows] = sharedKeywords[c];
      rows++;
    }
  }
  if (rows === capacity) return out;
  // Only a search stopped by its leaf cap before finding ten films leaves rows unused.
  return {
    tmdbId: out.tmdbId.slice(0, rows),
    similarTmdbId: out.similarTmdbId.slice(0, rows),
    rank: out.rank.slice(0, rows),
    distance: out.distance.slice(0, rows),
    sharedGenres: out.sharedGenres.slice(0, rows),
    sharedKeywords: out.sharedKeywords.slice(0, rows),
  };
}
