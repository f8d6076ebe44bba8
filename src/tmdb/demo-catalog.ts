import { type CatalogFilm, HORROR_GENRE_ID, TMDB_MOVIE_GENRES } from './catalog.js';
import { addDemoFacts, type DemoFilm } from './demo-facts.js';
import { createRandom, type Random } from './random.js';

export interface DemoCatalogOptions {
  seed?: number;
  fromYear?: number;
  toYear?: number;
  /** Films released per year before any filter; about half of them reach 10 votes, fewer in recent years. */
  filmsPerYear?: number;
  /** "Today" for the catalogue: films get votes in proportion to their age at this date. */
  now?: Date;
}

/**
 * A seeded synthetic horror catalogue shaped like TMDB's: a long tail of obscure films with a few
 * votes and a handful of hits; votes grow with age and for English-language films; popularity
 * follows votes but favours recent releases; October carries about twice a usual month's releases.
 * Each film then gets the facts of TMDB's details (see addDemoFacts) and its popularity the drift of
 * the day. Same options, same films.
 */
export function generateDemoCatalog(options: DemoCatalogOptions = {}): CatalogFilm[] {
  const now = options.now ?? new Date();
  const fromYear = options.fromYear ?? 2010;
  const toYear = options.toYear ?? now.getUTCFullYear();
  const perYear = options.filmsPerYear ?? 400;
  const seed = options.seed ?? 1978;
  const random = createRandom(seed);
  const usedIds = new Set<number>();
  const films: DemoFilm[] = [];
  for (let year = fromYear; year <= toYear; year += 1) {
    for (let n = 0; n < perYear; n += 1) films.push(demoFilm(random, year, now, usedIds));
  }
  return addDemoFacts(films, { seed, now }).map((film) => drifted(film, now));
}

/**
 * How much a demo film's popularity is scaled on a given day: a slow wave of its own period (20 to
 * 60 days) and phase, taken from its id, between about 0.7× and 1.4×. It draws nothing from the
 * seeded generator, so the other fields stay the same whatever the day; collections on different
 * days see films rise and fall.
 */
export function demoPopularityDrift(filmId: number, at: Date): number {
  const day = at.getTime() / DAY_MS;
  const period = 20 + (filmId % 41);
  const phase = ((Math.imul(filmId, 2_654_435_761) >>> 0) % 1000) / 1000;
  return Math.exp(0.35 * Math.sin(2 * Math.PI * (day / period + phase)));
}

function drifted(film: CatalogFilm, now: Date): CatalogFilm {
  return { ...film, popularity: round(film.popularity * demoPopularityDrift(film.id, now), 3) };
}

const MONTH_WEIGHTS: ReadonlyArray<readonly [number, number]> = [
  [1, 7],
  [2, 7],
  [3, 8],
  [4, 7],
  [5, 7],
  [6, 7],
  [7, 7],
  [8, 8],
  [9, 9],
  [10, 16],
  [11, 7],
  [12, 6],
];

const LANGUAGES: ReadonlyArray<readonly [string, number]> = [
  ['en', 56],
  ['es', 6],
  ['ja', 5],
  ['fr', 4],
  ['ko', 3],
  ['de', 3],
  ['it', 3],
  ['pt', 2],
  ['ru', 2],
  ['hi', 2],
  ['th', 2],
  ['tl', 2],
  ['zh', 2],
  ['id', 2],
  ['tr', 1.5],
  ['pl', 1],
  ['sv', 1],
  ['no', 1],
  ['ms', 1],
];

/** Chance that a horror film also carries each genre (TMDB's horror catalogue, roughly). */
const CO_GENRES: ReadonlyArray<readonly [number, number]> = [
  [53, 0.42],
  [9648, 0.16],
  [18, 0.14],
  [35, 0.12],
  [878, 0.1],
  [14, 0.08],
  [28, 0.07],
  [80, 0.05],
  [12, 0.03],
  [10770, 0.03],
  [16, 0.02],
  [10749, 0.02],
];

const ADJECTIVES = [
  'Dark',
  'Silent',
  'Hollow',
  'Crimson',
  'Forgotten',
  'Cursed',
  'Hungry',
  'Last',
  'Pale',
  'Wicked',
  'Buried',
  'Broken',
  'Black',
  'Lost',
  'Sleepless',
  'Rotten',
  'Frozen',
  'Blind',
  'Unseen',
  'Final',
];
const NOUNS = [
  'House',
  'Night',
  'Woods',
  'Mirror',
  'Doll',
  'Cellar',
  'Ritual',
  'Witch',
  'Harvest',
  'Tide',
  'Signal',
  'Asylum',
  'Chapel',
  'Lake',
  'Shadow',
  'Hunger',
  'Visitor',
  'Choir',
  'Nest',
  'Grave',
  'Orphanage',
  'Cabin',
  'Static',
  'Bride',
  'Carnival',
  'Hive',
  'Well',
  'Tenant',
  'Swarm',
  'Mask',
];
const PLACES = ['Blackwood', 'Salem', 'Ravenhill', 'Dunmore', 'Elm Hollow', 'Greystone', 'Marrow Creek'];

const DAY_MS = 86_400_000;

function demoFilm(random: Random, year: number, now: Date, usedIds: Set<number>): DemoFilm {
  const month = random.chance(0.03) ? 1 : random.weighted(MONTH_WEIGHTS);
  const day = month === 1 && random.chance(0.1) ? 1 : random.int(1, daysIn(year, month));
  const released = Date.UTC(year, month - 1, day);
  const ageYears = (now.getTime() - released) / (365.25 * DAY_MS);
  const language = random.weighted(LANGUAGES);
  const english = language === 'en';

  // Votes: log-normal, more with age (films keep collecting votes) and for English-language films.
  const voteMean = 0.2 + (english ? 0.8 : 0) + 0.7 * Math.log1p(Math.max(0, ageYears));
  const voteCount =
    ageYears < 0 ? random.int(0, 2) : Math.max(0, Math.round(Math.expm1(random.normal(voteMean, 1.85))));
  const recency = 1 + 3 * Math.exp(-Math.max(0, ageYears) / 1.5);
  const popularity =
    0.6 + 0.1 * voteCount ** 0.62 * recency * Math.exp(random.normal(0, 0.6)) + random.next() * 1.5;
  const known = voteCount >= 10;
  const runtime = demoRuntime(random, known);
  const genres = demoGenres(random);
  const voteAverage =
    voteCount === 0 ? 0 : demoVoteAverage(random, { voteCount, runtime, genres, english, ageYears });

  const title = demoTitle(random);
  return {
    id: uniqueId(random, year, usedIds),
    imdb_id: random.chance(known ? 0.97 : 0.7) ? `tt${random.int(1_000_000, 29_999_999)}` : null,
    title,
    original_title: english || random.chance(0.3) ? title : `${title} (${language})`,
    overview: `${random.pick(['A family', 'A nurse', 'A grieving widower', 'A night-shift guard', 'A podcaster'])} ${random.pick(['moves into', 'goes missing near', 'is drawn back to', 'investigates'])} the ${title.toLowerCase().replace(/^the /, '')}, where ${random.pick(['something waits', 'the dead do not rest', 'an old ritual wakes', 'nobody sleeps'])}.`,
    original_language: language,
    release_date: isoDate(released),
    popularity: round(popularity, 3),
    vote_count: voteCount,
    vote_average: round(voteAverage, 1),
    runtime,
    genres,
    poster_path: random.chance(known ? 0.98 : 0.75) ? `/${imagePath(random)}.jpg` : null,
    backdrop_path: random.chance(known ? 0.9 : 0.4) ? `/${imagePath(random)}.jpg` : null,
    adult: false,
  };
}

function demoTitle(random: Random): string {
  switch (random.int(0, 5)) {
    case 0:
      return `The ${random.pick(ADJECTIVES)} ${random.pick(NOUNS)}`;
    case 1:
      return `${random.pick(NOUNS)} of the ${random.pick(ADJECTIVES)}`;
    case 2:
      return `The ${random.pick(NOUNS)} at ${random.pick(PLACES)}`;
    case 3:
      return `${random.pick(ADJECTIVES)} ${random.pick(NOUNS)} ${random.int(2, 4)}`;
    case 4:
      return `${random.pick(NOUNS)}s`;
    default:
      return `${random.pick(ADJECTIVES)} ${random.pick(NOUNS)}`;
  }
}

/** Rating shift of a co-genre, as TMDB's horror catalogue shows it: dramas and mysteries rate higher. */
const GENRE_RATING_SHIFT: Record<string, number> = {
  Drama: 0.45,
  Mystery: 0.3,
  Thriller: 0.1,
  Fantasy: 0.05,
  'Science Fiction': -0.15,
  Comedy: -0.35,
  Action: -0.2,
};

/**
 * Ratings follow what the models are meant to find: widely voted, longer films and dramas rate
 * higher, a film's first few votes scatter widely, the rest is noise.
 */
function demoVoteAverage(
  random: Random,
  film: {
    voteCount: number;
    runtime: number;
    genres: CatalogFilm['genres'];
    english: boolean;
    ageYears: number;
  },
): number {
  const usualRuntime = film.runtime >= 60 ? film.runtime : 90;
  const mean =
    3.9 +
    0.75 * Math.log10(1 + film.voteCount) +
    0.018 * clamp(usualRuntime - 90, -30, 50) +
    film.genres.reduce((shift, genre) => shift + (GENRE_RATING_SHIFT[genre.name] ?? 0), 0) +
    (film.english ? -0.25 : 0.2) +
    0.02 * Math.min(15, Math.max(0, film.ageYears));
  return clamp(random.normal(mean, 0.4 + 1.5 / Math.sqrt(film.voteCount)), 1, 10);
}

function demoRuntime(random: Random, known: boolean): number {
  if (random.chance(known ? 0.01 : 0.08)) return 0;
  if (random.chance(known ? 0.02 : 0.12)) return random.int(5, 40);
  return Math.round(clamp(random.normal(92, 12), 62, 165));
}

function demoGenres(random: Random): CatalogFilm['genres'] {
  const ids = [HORROR_GENRE_ID];
  for (const [id, probability] of CO_GENRES) {
    if (ids.length < 4 && random.chance(probability)) ids.push(id);
  }
  return ids.map((id) => TMDB_MOVIE_GENRES.find((genre) => genre.id === id)!);
}

function uniqueId(random: Random, year: number, used: Set<number>): number {
  // TMDB ids grow with the date a film was added, which follows its release year.
  const low = 20_000 + Math.max(0, year - 2008) * 70_000;
  for (;;) {
    const id = random.int(low, low + 140_000);
    if (!used.has(id)) {
      used.add(id);
      return id;
    }
  }
}

function imagePath(random: Random): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let path = '';
  for (let i = 0; i < 27; i += 1) path += alphabet[random.int(0, alphabet.length - 1)];
  return path;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
