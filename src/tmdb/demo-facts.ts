import type { CatalogFilm } from './catalog.js';
import { createRandom, type Random } from './random.js';

/**
 * The facts TMDB's details add to a demo film (budget, revenue, companies, countries, languages,
 * collection, keywords, tagline, status, release dates), drawn so that what is known before
 * release carries signal: widely voted films more often have a known budget, a big company and
 * a tagline; sequels, big companies, haunted houses and possessions are more popular; found
 * footage is cheaper and rated lower; October releases are a little more popular. Every effect
 * comes with noise, and the same seed gives the same facts.
 */
export function addDemoFacts(
  films: readonly DemoFilm[],
  options: { seed: number; now: Date },
): CatalogFilm[] {
  const random = createRandom(options.seed ^ FACTS_STREAM);
  const companies = createCompanyPool(random);
  const franchises = assignFranchises(random, films);
  return films.map((film) => filmWithFacts(random, film, franchises.get(film.id), companies, options.now));
}

/** A demo film before its facts: what the catalogue draws first. */
export type DemoFilm = Omit<CatalogFilm, FactField>;
type FactField =
  | 'budget'
  | 'revenue'
  | 'tagline'
  | 'status'
  | 'belongs_to_collection'
  | 'production_companies'
  | 'production_countries'
  | 'spoken_languages'
  | 'keywords'
  | 'release_dates';

/** The facts draw from their own stream, so the films' other fields stay as they were drawn. */
const FACTS_STREAM = 0x5eed_fac7;

interface Company {
  id: number;
  name: string;
  origin_country: string;
}

interface BigCompany extends Company {
  /** Typical budget in millions of dollars. */
  budgetMillions: number;
  ratingShift: number;
  weight: number;
}

/** Studios that make a large share of the widely seen horror films, with their TMDB ids. */
const BIG_COMPANIES: readonly BigCompany[] = [
  {
    id: 3172,
    name: 'Blumhouse Productions',
    origin_country: 'US',
    budgetMillions: 5,
    ratingShift: -0.1,
    weight: 16,
  },
  { id: 41077, name: 'A24', origin_country: 'US', budgetMillions: 4, ratingShift: 0.5, weight: 8 },
  {
    id: 174,
    name: 'Warner Bros. Pictures',
    origin_country: 'US',
    budgetMillions: 30,
    ratingShift: 0.1,
    weight: 9,
  },
  { id: 33, name: 'Universal Pictures', origin_country: 'US', budgetMillions: 25, ratingShift: 0, weight: 9 },
  { id: 1632, name: 'Lionsgate', origin_country: 'US', budgetMillions: 12, ratingShift: -0.1, weight: 8 },
  {
    id: 7405,
    name: 'Dimension Films',
    origin_country: 'US',
    budgetMillions: 15,
    ratingShift: -0.3,
    weight: 6,
  },
  { id: 3287, name: 'Screen Gems', origin_country: 'US', budgetMillions: 18, ratingShift: -0.35, weight: 6 },
  { id: 12, name: 'New Line Cinema', origin_country: 'US', budgetMillions: 25, ratingShift: 0.05, weight: 7 },
  {
    id: 2481,
    name: 'Platinum Dunes',
    origin_country: 'US',
    budgetMillions: 15,
    ratingShift: -0.3,
    weight: 4,
  },
  {
    id: 2061,
    name: 'Twisted Pictures',
    origin_country: 'US',
    budgetMillions: 8,
    ratingShift: -0.2,
    weight: 4,
  },
  { id: 4, name: 'Paramount Pictures', origin_country: 'US', budgetMillions: 30, ratingShift: 0, weight: 6 },
  { id: 76907, name: 'Atomic Monster', origin_country: 'US', budgetMillions: 20, ratingShift: 0, weight: 4 },
  { id: 882, name: 'TOHO', origin_country: 'JP', budgetMillions: 6, ratingShift: 0.1, weight: 3 },
  { id: 694, name: 'StudioCanal', origin_country: 'FR', budgetMillions: 10, ratingShift: 0.1, weight: 3 },
];

const COUNTRY_NAMES: Record<string, string> = {
  US: 'United States of America',
  GB: 'United Kingdom',
  CA: 'Canada',
  AU: 'Australia',
  IE: 'Ireland',
  NZ: 'New Zealand',
  ES: 'Spain',
  MX: 'Mexico',
  AR: 'Argentina',
  JP: 'Japan',
  FR: 'France',
  BE: 'Belgium',
  KR: 'South Korea',
  DE: 'Germany',
  AT: 'Austria',
  IT: 'Italy',
  BR: 'Brazil',
  PT: 'Portugal',
  RU: 'Russia',
  IN: 'India',
  TH: 'Thailand',
  PH: 'Philippines',
  CN: 'China',
  HK: 'Hong Kong',
  TW: 'Taiwan',
  ID: 'Indonesia',
  TR: 'Turkey',
  PL: 'Poland',
  SE: 'Sweden',
  NO: 'Norway',
  MY: 'Malaysia',
  SG: 'Singapore',
};

/** Where films of each original language are made, as TMDB's horror catalogue shows it. */
const COUNTRIES_BY_LANGUAGE: Record<string, ReadonlyArray<readonly [string, number]>> = {
  en: [
    ['US', 66],
    ['GB', 11],
    ['CA', 9],
    ['AU', 3],
    ['IE', 1],
    ['NZ', 1],
    ['DE', 2],
    ['ES', 1],
    ['FR', 1],
    ['MX', 1],
  ],
  es: [
    ['ES', 50],
    ['MX', 25],
    ['AR', 8],
    ['US', 5],
  ],
  ja: [['JP', 1]],
  fr: [
    ['FR', 70],
    ['BE', 8],
    ['CA', 6],
  ],
  ko: [['KR', 1]],
  de: [
    ['DE', 75],
    ['AT', 10],
  ],
  it: [['IT', 1]],
  pt: [
    ['BR', 80],
    ['PT', 20],
  ],
  ru: [['RU', 1]],
  hi: [['IN', 1]],
  th: [['TH', 1]],
  tl: [['PH', 1]],
  zh: [
    ['CN', 45],
    ['HK', 35],
    ['TW', 20],
  ],
  id: [['ID', 1]],
  tr: [['TR', 1]],
  pl: [['PL', 1]],
  sv: [['SE', 1]],
  no: [['NO', 1]],
  ms: [['MY', 1]],
};

/** Partners of co-productions: most are with the US or a neighbour. */
const CO_PRODUCERS: ReadonlyArray<readonly [string, number]> = [
  ['US', 30],
  ['GB', 12],
  ['CA', 10],
  ['FR', 8],
  ['DE', 8],
  ['ES', 6],
  ['BE', 4],
  ['MX', 3],
  ['AU', 3],
  ['JP', 2],
  ['KR', 2],
  ['IT', 3],
  ['SG', 2],
];

const LANGUAGE_NAMES: Record<string, string> = {
  en: 'English',
  es: 'Spanish',
  ja: 'Japanese',
  fr: 'French',
  ko: 'Korean',
  de: 'German',
  it: 'Italian',
  pt: 'Portuguese',
  ru: 'Russian',
  hi: 'Hindi',
  th: 'Thai',
  tl: 'Tagalog',
  zh: 'Mandarin',
  id: 'Indonesian',
  tr: 'Turkish',
  pl: 'Polish',
  sv: 'Swedish',
  no: 'Norwegian',
  ms: 'Malay',
};

interface Keyword {
  id: number;
  name: string;
  /** Shift of log popularity. */
  popularity: number;
  rating: number;
  /** Shift of log budget. */
  budget: number;
  /** Spread of the popularity shift: some themes make hits and flops alike. */
  spread?: number;
}

const kw = (id: number, name: string, popularity = 0, rating = 0, budget = 0, spread = 0): Keyword => ({
  id,
  name,
  popularity,
  rating,
  budget,
  spread,
});

/** The themes a horror film is about; each brings its own keywords and shifts. */
const THEMES: ReadonlyArray<{ weight: number; keywords: readonly Keyword[] }> = [
  {
    weight: 12,
    keywords: [
      kw(12339, 'slasher', 0.2, -0.3, 0, 0.4),
      kw(3149, 'masked killer', 0.1),
      kw(10292, 'gore', 0, -0.35),
    ],
  },
  {
    weight: 8,
    keywords: [kw(163053, 'found footage', -0.2, -0.5, -1.4), kw(10084, 'mockumentary', -0.1, -0.2, -0.6)],
  },
  {
    weight: 10,
    keywords: [
      kw(3358, 'haunted house', 0.4, 0.05, 0.2),
      kw(162846, 'ghost', 0.15, 0.1),
      kw(6152, 'supernatural', 0.15),
    ],
  },
  {
    weight: 8,
    keywords: [
      kw(9712, 'possession', 0.4, -0.1, 0.2),
      kw(15001, 'demon', 0.2, -0.1),
      kw(11001, 'exorcism', 0.15, -0.1),
    ],
  },
  {
    weight: 8,
    keywords: [
      kw(12377, 'zombie', 0.05, -0.2, 0, 0.6),
      kw(186565, 'zombie apocalypse', 0.05, -0.1, 0.3),
      kw(4458, 'post-apocalyptic future', 0.05),
    ],
  },
  { weight: 5, keywords: [kw(3133, 'vampire', 0.05, 0.05, 0, 0.3), kw(9748, 'blood', 0)] },
  {
    weight: 7,
    keywords: [
      kw(13031, 'creature', -0.1, -0.25),
      kw(1299, 'monster', 0, -0.1),
      kw(12554, 'killer animal', -0.15, -0.3),
    ],
  },
  {
    weight: 5,
    keywords: [
      kw(287693, 'folk horror', 0.05, 0.45),
      kw(2343, 'witch', 0.1, 0.1),
      kw(6158, 'cult', 0.05, 0.1),
    ],
  },
  {
    weight: 9,
    keywords: [
      kw(295907, 'psychological horror', 0.1, 0.4),
      kw(10048, 'grief', 0, 0.3),
      kw(10183, 'isolation', 0, 0.2),
    ],
  },
  {
    weight: 6,
    keywords: [
      kw(10349, 'survival', 0.1, 0.1),
      kw(10355, 'home invasion', 0.1, 0),
      kw(1521, 'cabin in the woods', 0.05, -0.1),
    ],
  },
  { weight: 6, keywords: [kw(10714, 'serial killer', 0.1, 0.2), kw(703, 'detective', 0.05, 0.2)] },
  { weight: 4, keywords: [kw(9882, 'low budget', -0.4, -0.4, -1.2), kw(11800, 'b movie', -0.3, -0.35, -1)] },
];

/** Keywords without a lean of their own: most of a film's keywords say little. */
const GENERIC_KEYWORDS: readonly Keyword[] = [
  kw(10224, 'murder'),
  kw(1681, 'death'),
  kw(6270, 'nightmare'),
  kw(9673, 'small town'),
  kw(6917, 'curse'),
  kw(4565, 'dying and death'),
  kw(4344, 'revenge'),
  kw(2626, 'teenager'),
  kw(11612, 'hospital'),
  kw(13130, 'forest'),
  kw(12565, 'ritual'),
  kw(3799, 'family'),
  kw(818, 'based on novel or book'),
  kw(187056, 'woman director'),
  kw(179430, 'aftercreditsstinger'),
];

const SEQUEL_KEYWORD = kw(9663, 'sequel');
const HALLOWEEN_KEYWORD = kw(3335, 'halloween');

const COMPANY_WORDS = [
  'Nightjar',
  'Cold Lantern',
  'Ravenhill',
  'Blackwood',
  'Grey Matter',
  'Hollow Oak',
  'Crooked Stair',
  'Red Lamp',
  'Ninth Gate',
  'Dead Letter',
  'Small Hours',
  'Paper Moon',
  'Moth',
  'Iron Bell',
  'North Shore',
  'Salt',
  'Wolf Moon',
  'Owl Light',
  'Tall Grass',
  'Low Tide',
];
const COMPANY_SUFFIXES = ['Pictures', 'Films', 'Entertainment', 'Productions', 'Studios', 'Media'];

interface CompanyPool {
  /** A small company of that country: a long tail where a few names recur and most appear once or twice. */
  small(country: string): Company;
}

function createCompanyPool(random: Random): CompanyPool {
  const byCountry = new Map<string, Company[]>();
  const usedIds = new Set<number>(BIG_COMPANIES.map((company) => company.id));
  return {
    small(country) {
      const pool = byCountry.get(country) ?? [];
      byCountry.set(country, pool);
      // A third of the time an earlier company of the country, the earliest most often: a few
      // names recur, most appear once or twice (TMDB shares a name between companies, not an id).
      if (pool.length > 0 && random.chance(0.3)) {
        return pool[Math.floor(pool.length * random.next() ** 1.5)];
      }
      let id = random.int(5_000, 250_000);
      while (usedIds.has(id)) id += 1;
      usedIds.add(id);
      const company = {
        id,
        name: `${random.pick(COMPANY_WORDS)} ${random.pick(COMPANY_SUFFIXES)}`,
        origin_country: country,
      };
      pool.push(company);
      return company;
    },
  };
}

interface FranchiseEntry {
  collection: { id: number; name: string };
  /** 1 for the film that started it. */
  entry: number;
  title: string;
}

/** Weights of a franchise's length: most have two films, few reach six. */
const FRANCHISE_LENGTHS: ReadonlyArray<readonly [number, number]> = [
  [2, 50],
  [3, 25],
  [4, 12],
  [5, 8],
  [6, 5],
];

/**
 * About one film in seven belongs to a collection. Popular films more often start a franchise;
 * its sequels follow one to three years apart, in the same language.
 */
function assignFranchises(random: Random, films: readonly DemoFilm[]): Map<number, FranchiseEntry> {
  const entries = new Map<number, FranchiseEntry>();
  const pools = new Map<string, DemoFilm[]>();
  for (const film of films) {
    const key = `${film.release_date.slice(0, 4)}|${film.original_language}`;
    const pool = pools.get(key) ?? [];
    pool.push(film);
    pools.set(key, pool);
  }
  const lastYear = films.reduce((latest, film) => Math.max(latest, yearOf(film)), Number.NEGATIVE_INFINITY);
  const usedCollectionIds = new Set<number>();
  for (const starter of films) {
    if (entries.has(starter.id) || yearOf(starter) >= lastYear) continue;
    const reach = Math.log1p(starter.vote_count);
    if (!random.chance(Math.min(0.2, 0.012 + 0.005 * reach * reach))) continue;
    const length = random.weighted(FRANCHISE_LENGTHS);
    const members = [starter];
    let year = yearOf(starter);
    while (members.length < length) {
      year += random.int(1, 3);
      const candidates = (pools.get(`${year}|${starter.original_language}`) ?? []).filter(
        (film) => !entries.has(film.id) && !members.includes(film),
      );
      if (candidates.length === 0) break;
      members.push(random.pick(candidates));
    }
    if (members.length < 2) continue;
    let collectionId = random.int(8_000, 1_300_000);
    while (usedCollectionIds.has(collectionId)) collectionId += 1;
    usedCollectionIds.add(collectionId);
    const root = starter.title.replace(/ \d+$/, '');
    const collection = { id: collectionId, name: `${root} Collection` };
    members.forEach((film, index) => {
      entries.set(film.id, {
        collection,
        entry: index + 1,
        title:
          index === 0 ? starter.title : `${root}${/\d$/.test(starter.title) ? ': Part' : ''} ${index + 1}`,
      });
    });
  }
  return entries;
}

function filmWithFacts(
  random: Random,
  film: DemoFilm,
  franchise: FranchiseEntry | undefined,
  pool: CompanyPool,
  now: Date,
): CatalogFilm {
  const reach = Math.log1p(film.vote_count);
  const english = film.original_language === 'en';
  const countries = demoCountries(random, film.original_language, reach);
  const big = demoBigCompany(random, reach, english, countries[0]?.iso_3166_1);
  const companies = demoCompanies(random, pool, countries[0]?.iso_3166_1 ?? 'US', reach, big);
  const keywords = demoKeywords(random, film, reach, franchise !== undefined && franchise.entry > 1);

  // Effects on what the film became, each with its own noise.
  const month = Number(film.release_date.slice(5, 7));
  const sequel = franchise !== undefined && franchise.entry > 1;
  const popularityShift =
    keywords.reduce(
      (shift, keyword) => shift + keyword.popularity + random.normal(0, keyword.spread ?? 0),
      0,
    ) +
    (big ? 0.35 : 0) +
    (sequel ? 0.45 : 0) +
    (month === 10 ? 0.12 : 0) +
    random.normal(0, 0.15);
  const ratingShift =
    keywords.reduce((shift, keyword) => shift + keyword.rating, 0) +
    (big?.ratingShift ?? 0) +
    (sequel ? -0.25 : 0);
  const popularity = round(film.popularity * Math.exp(popularityShift), 3);
  const voteAverage =
    film.vote_count === 0 ? 0 : round(clamp(film.vote_average + 0.6 * ratingShift, 1, 10), 1);

  const budget = demoBudget(random, reach, big, keywords);
  const released = Date.parse(film.release_date) <= now.getTime();
  return {
    ...film,
    ...(franchise && franchise.entry > 1
      ? {
          title: franchise.title,
          original_title:
            film.original_title === film.title
              ? franchise.title
              : `${franchise.title} (${film.original_language})`,
        }
      : {}),
    popularity,
    vote_average: voteAverage,
    budget,
    revenue: released ? demoRevenue(random, budget, reach, popularity) : 0,
    tagline: random.chance(logistic(-1.3 + 0.7 * reach)) ? demoTagline(random) : '',
    status: released
      ? 'Released'
      : Date.parse(film.release_date) - now.getTime() > 120 * DAY_MS
        ? 'In Production'
        : 'Post Production',
    belongs_to_collection: franchise?.collection ?? null,
    production_companies: companies,
    production_countries: countries,
    spoken_languages: demoSpokenLanguages(random, film.original_language),
    keywords: keywords.map(({ id, name }) => ({ id, name })),
    release_dates: demoReleaseDates(random, film, countries, big !== undefined),
  };
}

/** Widely seen films more often have a big studio: American ones for English films, else one of the home country. */
function demoBigCompany(
  random: Random,
  reach: number,
  english: boolean,
  home: string | undefined,
): BigCompany | undefined {
  const studios = BIG_COMPANIES.filter((company) =>
    english ? company.origin_country === 'US' : company.origin_country === home,
  );
  if (studios.length === 0 || !random.chance(logistic(-3.8 + 0.55 * reach + (english ? 1.1 : -0.3)))) {
    return undefined;
  }
  return random.weighted(studios.map((company) => [company, company.weight] as const));
}

function demoCountries(
  random: Random,
  language: string,
  reach: number,
): { iso_3166_1: string; name: string }[] {
  if (random.chance(0.03)) return [];
  const home = random.weighted(COUNTRIES_BY_LANGUAGE[language] ?? [['US', 1]]);
  const codes = [home];
  // Co-productions are more common among widely seen films.
  if (random.chance(0.08 + 0.04 * reach)) {
    const partner = random.weighted(CO_PRODUCERS);
    if (partner !== home) codes.push(partner);
  }
  return codes.map((code) => ({ iso_3166_1: code, name: COUNTRY_NAMES[code] ?? code }));
}

function demoCompanies(
  random: Random,
  pool: CompanyPool,
  country: string,
  reach: number,
  big: BigCompany | undefined,
): Company[] {
  const count = random.chance(logistic(-0.3 + 0.6 * reach))
    ? Math.max(1, Math.round(random.normal(0.6 + 0.35 * reach, 0.9)))
    : 0;
  const companies: Company[] = big
    ? [{ id: big.id, name: big.name, origin_country: big.origin_country }]
    : [];
  for (let n = companies.length; n < Math.min(count, 6); n += 1) {
    const company = pool.small(country);
    if (!companies.some((known) => known.id === company.id)) companies.push(company);
  }
  return companies;
}

function demoKeywords(random: Random, film: DemoFilm, reach: number, sequel: boolean): Keyword[] {
  const count = Math.round(clamp(random.normal(2.5 + 0.5 * reach, 1.2), 2, 8));
  const chosen: Keyword[] = [];
  const add = (keyword: Keyword) => {
    if (chosen.length < count && !chosen.some((known) => known.id === keyword.id)) chosen.push(keyword);
  };
  if (sequel) add(SEQUEL_KEYWORD);
  if (film.release_date.slice(5, 7) === '10' && random.chance(0.25)) add(HALLOWEEN_KEYWORD);
  const themes = THEMES.map((theme) => [theme, theme.weight] as const);
  const main = random.weighted(themes);
  add(main.keywords[0]);
  for (const keyword of main.keywords.slice(1)) if (random.chance(0.5)) add(keyword);
  if (random.chance(0.35)) add(random.pick(random.weighted(themes).keywords));
  while (chosen.length < count) add(random.pick(GENERIC_KEYWORDS));
  return chosen;
}

/**
 * Most budgets are unknown, and known ones belong to widely seen films: log-normal around two
 * million dollars, more with a big company, less for found footage, between $0.5M and $80M.
 */
function demoBudget(
  random: Random,
  reach: number,
  big: BigCompany | undefined,
  keywords: readonly Keyword[],
): number {
  const keywordShift = keywords.reduce((shift, keyword) => shift + keyword.budget, 0);
  if (!random.chance(logistic(-3.7 + 0.62 * reach + (big ? 1.2 : 0) + 0.4 * Math.min(0, keywordShift))))
    return 0;
  const center = big ? Math.log(big.budgetMillions * 1_000_000) : Math.log(2_200_000) + 0.25 * (reach - 4);
  const dollars = Math.exp(random.normal(center + keywordShift, 0.9));
  return Math.round(clamp(dollars, 500_000, 80_000_000) / 10_000) * 10_000;
}

/** Revenue is known for about half the films with a known budget, and follows budget and popularity. */
function demoRevenue(random: Random, budget: number, reach: number, popularity: number): number {
  if (budget === 0 || !random.chance(logistic(-3 + 0.55 * reach))) return 0;
  const multiple = Math.exp(random.normal(Math.log(1.9) + 0.45 * Math.log(popularity / 10), 0.8));
  return Math.round(budget * multiple);
}

function demoSpokenLanguages(
  random: Random,
  language: string,
): { iso_639_1: string; english_name: string; name: string }[] {
  const codes = [language];
  if (language !== 'en' && random.chance(0.2)) codes.push('en');
  else if (language === 'en' && random.chance(0.06)) codes.push(random.pick(['es', 'fr', 'de']));
  return codes.map((code) => ({
    iso_639_1: code,
    english_name: LANGUAGE_NAMES[code] ?? code,
    name: LANGUAGE_NAMES[code] ?? code,
  }));
}

/** A US theatrical date (type 3) near the primary release for US films, big companies and some others. */
function demoReleaseDates(
  random: Random,
  film: DemoFilm,
  countries: readonly { iso_3166_1: string }[],
  bigCompany: boolean,
): NonNullable<CatalogFilm['release_dates']> {
  const primary = Date.parse(film.release_date);
  if (Number.isNaN(primary)) return [];
  const home = countries[0]?.iso_3166_1 ?? 'US';
  const inUs = home === 'US' || bigCompany || random.chance(0.15);
  const dates: NonNullable<CatalogFilm['release_dates']> = [];
  if (home !== 'US') dates.push({ iso_3166_1: home, release_dates: [release(primary, 3, '')] });
  if (inUs) {
    const delay = home === 'US' ? (random.chance(0.8) ? 0 : random.int(1, 21)) : random.int(0, 200);
    const kind = random.chance(0.8) ? 3 : 4;
    dates.push({
      iso_3166_1: 'US',
      release_dates: [release(primary + delay * DAY_MS, kind, random.weighted(CERTIFICATIONS))],
    });
  }
  return dates;
}

const CERTIFICATIONS: ReadonlyArray<readonly [string, number]> = [
  ['R', 70],
  ['PG-13', 15],
  ['NR', 10],
  ['', 5],
];

function release(ms: number, type: number, certification: string) {
  return { release_date: new Date(ms).toISOString(), type, certification, note: '' };
}

function demoTagline(random: Random): string {
  return `${random.pick(['Some doors', 'Some nights', 'Some names', 'Some secrets', 'Some graves'])} ${random.pick(['should stay closed.', 'never end.', 'are never forgotten.', 'remember you.'])}`;
}

const DAY_MS = 86_400_000;

function yearOf(film: DemoFilm): number {
  return Number(film.release_date.slice(0, 4));
}

function logistic(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
