import { byPopularity, type CatalogFilm, TMDB_MOVIE_GENRES } from '../catalog.js';
import type { MockRequestInfo } from './stats.js';

const PAGE_SIZE = 20;
const MAX_PAGES = 500;

export interface Answer {
  status: number;
  body: unknown;
}

export function tmdbError(status: number, code: number, message: string): Answer {
  return { status, body: { success: false, status_code: code, status_message: message } };
}

const notFound = () => tmdbError(404, 34, 'The resource you requested could not be found.');

/** The path as TMDB's routes see it: without the /3 version prefix and trailing slashes. */
function routePath(pathname: string): string {
  return pathname.replace(/^\/3(?=\/)/, '').replace(/\/+$/, '');
}

export function endpointOf(pathname: string): MockRequestInfo['endpoint'] {
  const path = pathname.replace(/^\/3(?=\/)/, '');
  if (path.startsWith('/discover/movie')) return 'discover';
  if (path.startsWith('/genre/movie/list')) return 'genres';
  if (/^\/movie\/\d+/.test(path)) return 'movie';
  return 'other';
}

/** The endpoints Horrorcast calls, answered from a fixed catalogue. */
export function createRoutes(catalog: readonly CatalogFilm[], notFoundIds: ReadonlySet<number>) {
  const byId = new Map(catalog.map((film) => [film.id, film]));
  const discoverCache = new Map<string, CatalogFilm[]>();

  function discover(url: URL): Answer {
    const page = Number(url.searchParams.get('page') ?? '1');
    if (!Number.isInteger(page) || page < 1 || page > MAX_PAGES) {
      return tmdbError(
        400,
        22,
        'Invalid page: Pages start at 1 and max at 500. They are expected to be an integer.',
      );
    }
    const films = cachedDiscoverList(url);
    const totalPages = Math.min(MAX_PAGES, Math.ceil(films.length / PAGE_SIZE));
    const results = films.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map(discoverEntry);
    return { status: 200, body: { page, results, total_pages: totalPages, total_results: films.length } };
  }

  /** Every page of one query filters and sorts the same list; it is built once. */
  function cachedDiscoverList(url: URL): CatalogFilm[] {
    const query = discoverQuery(url);
    const key = `${query.year}|${query.genres}|${query.minVotes}|${query.sortBy}`;
    let films = discoverCache.get(key);
    if (!films) {
      films = discoverList(catalog, query);
      discoverCache.set(key, films);
    }
    return films;
  }

  function details(id: number, url: URL): Answer {
    const film = byId.get(id);
    if (!film || notFoundIds.has(id)) return notFound();
    const appended = new Set((url.searchParams.get('append_to_response') ?? '').split(','));
    return { status: 200, body: detailsBody(film, appended) };
  }

  return function route(url: URL): Answer {
    const path = routePath(url.pathname);
    if (path === '/discover/movie') return discover(url);
    if (path === '/genre/movie/list') return { status: 200, body: { genres: TMDB_MOVIE_GENRES } };
    const movie = /^\/movie\/(\d+)$/.exec(path);
    if (movie) return details(Number(movie[1]), url);
    return notFound();
  };
}

interface DiscoverQuery {
  year: string | null;
  genres: string;
  minVotes: number;
  sortBy: string;
}

function discoverQuery(url: URL): DiscoverQuery {
  return {
    year: url.searchParams.get('primary_release_year'),
    genres: url.searchParams.get('with_genres') ?? '',
    minVotes: Number(url.searchParams.get('vote_count.gte') ?? '0'),
    sortBy: url.searchParams.get('sort_by') ?? 'popularity.desc',
  };
}

function discoverList(catalog: readonly CatalogFilm[], query: DiscoverQuery): CatalogFilm[] {
  // TMDB reads "a,b" as both genres and "a|b" as either.
  const anyOf = query.genres.includes('|');
  const wanted = query.genres
    .split(/[,|]/)
    .map(Number)
    .filter((id) => Number.isInteger(id) && id > 0);
  const films = catalog.filter((film) => {
    if (query.year && film.release_date.slice(0, 4) !== query.year) return false;
    if (film.vote_count < query.minVotes) return false;
    if (wanted.length === 0) return true;
    const has = (id: number) => film.genres.some((genre) => genre.id === id);
    return anyOf ? wanted.some(has) : wanted.every(has);
  });
  return films.sort(sorter(query.sortBy));
}

function sorter(sortBy: string): (a: CatalogFilm, b: CatalogFilm) => number {
  const [field, direction] = sortBy.split('.');
  const sign = direction === 'asc' ? -1 : 1;
  switch (field) {
    case 'vote_count':
      return (a, b) => sign * (b.vote_count - a.vote_count) || a.id - b.id;
    case 'vote_average':
      return (a, b) => sign * (b.vote_average - a.vote_average) || a.id - b.id;
    case 'primary_release_date':
      return (a, b) => sign * b.release_date.localeCompare(a.release_date) || a.id - b.id;
    default:
      return direction === 'asc' ? (a, b) => -byPopularity(a, b) : byPopularity;
  }
}

/**
 * `GET /movie/{id}` as TMDB shapes it: facts the catalogue lacks are TMDB's empty values, and the
 * keywords and release dates are there only when `append_to_response` names them.
 */
export function detailsBody(film: CatalogFilm, appended: ReadonlySet<string>) {
  const { keywords, release_dates: releaseDates, production_companies: companies, ...facts } = film;
  return {
    ...facts,
    homepage: '',
    video: false,
    belongs_to_collection: film.belongs_to_collection ?? null,
    production_companies: (companies ?? []).map((company) => ({
      id: company.id,
      logo_path: null,
      name: company.name,
      origin_country: company.origin_country ?? '',
    })),
    production_countries: film.production_countries ?? [],
    spoken_languages: film.spoken_languages ?? [],
    ...(appended.has('keywords') ? { keywords: { keywords: keywords ?? [] } } : {}),
    ...(appended.has('release_dates') ? { release_dates: { results: releaseDates ?? [] } } : {}),
  };
}

function discoverEntry(film: CatalogFilm) {
  return {
    adult: film.adult,
    backdrop_path: film.backdrop_path,
    genre_ids: film.genres.map((genre) => genre.id),
    id: film.id,
    original_language: film.original_language,
    original_title: film.original_title,
    overview: film.overview,
    popularity: film.popularity,
    poster_path: film.poster_path,
    release_date: film.release_date,
    title: film.title,
    video: false,
    vote_average: film.vote_average,
    vote_count: film.vote_count,
  };
}
