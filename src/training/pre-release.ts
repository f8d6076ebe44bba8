import { createMatrix, type Matrix } from '../ml/matrix.js';
import { type FilmAttributes, HORROR_FEATURES, horrorFeatureRow } from './features.js';

/**
 * Pre-release features: only what is known before a film comes out (no votes, no popularity).
 * Companies, countries and keywords enter through vocabularies of the training films' most
 * frequent ones, fitted once per run and stored with the models so a what-if is read the same way.
 */

/** A production company as the database knows it. */
export interface CompanyRef {
  readonly id: number;
  readonly name: string;
}

/** What a film's collected details say before its release; all absent for films without them. */
export interface PreReleaseFacts {
  /** US dollars; 0 or null when TMDB does not know it. */
  readonly budget?: number | null;
  readonly companies?: readonly CompanyRef[];
  /** ISO 3166-1 codes of the production countries. */
  readonly countries?: readonly string[];
  /** Keyword names, lower case. */
  readonly keywords?: readonly string[];
  /** Part of a collection: a sequel, prequel or remake series. */
  readonly inCollection?: boolean;
}

export type PreReleaseFilm = FilmAttributes & PreReleaseFacts;

/** Below this many films with a known budget, the budget features say too little to learn from. */
export const MIN_BUDGET_FILMS = 50;
const FREQUENT_COMPANIES = 30;
const FREQUENT_COUNTRIES = 10;
const FREQUENT_KEYWORDS = 30;
/** A company, country or keyword needs this many films to count as frequent. */
const MIN_FREQUENCY = 5;

/** The run's vocabularies and which fact groups it trains with. */
export interface PreReleaseVocabulary {
  readonly useBudget: boolean;
  readonly companies: readonly CompanyRef[];
  readonly countries: readonly string[];
  readonly keywords: readonly string[];
  readonly useCollection: boolean;
}

/** The baseline horror features other than vote_count, which is not known before release. */
const BASE_FEATURES = HORROR_FEATURES.filter((name) => name !== 'vote_count');
const VOTE_COUNT_COLUMN = HORROR_FEATURES.indexOf('vote_count');

function mostFrequent<K>(values: Iterable<K>, limit: number): K[] {
  const counts = new Map<K, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()]
    .filter(([, count]) => count >= MIN_FREQUENCY)
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([value]) => value);
}

/**
 * The vocabularies of a training set, and what it trains without, in words for the run's notes:
 * budget features need MIN_BUDGET_FILMS films with a known budget; a fact no film has is left out.
 */
export function fitPreReleaseVocabulary(films: readonly PreReleaseFilm[]): {
  vocabulary: PreReleaseVocabulary;
  notes: string[];
} {
  const notes: string[] = [];
  const budgets = films.filter((film) => (film.budget ?? 0) > 0).length;
  const useBudget = budgets >= MIN_BUDGET_FILMS;
  if (!useBudget) {
    notes.push(
      `Pre-release models trained without budget: ${budgets} films have a known budget, fewer than ${MIN_BUDGET_FILMS}.`,
    );
  }
  const companyNames = new Map<number, string>();
  for (const film of films)
    for (const company of film.companies ?? []) companyNames.set(company.id, company.name);
  const companyIds = mostFrequent(
    films.flatMap((film) => (film.companies ?? []).map((company) => company.id)),
    FREQUENT_COMPANIES,
  );
  const countries = mostFrequent(
    films.flatMap((film) => film.countries ?? []),
    FREQUENT_COUNTRIES,
  );
  const keywords = mostFrequent(
    films.flatMap((film) => film.keywords ?? []),
    FREQUENT_KEYWORDS,
  );
  const useCollection = films.some((film) => film.inCollection);
  for (const [known, what] of [
    [companyNames.size > 0, 'production companies'],
    [films.some((film) => (film.countries ?? []).length > 0), 'production countries'],
    [keywords.length > 0, 'keywords'],
    [useCollection, 'collections (sequels)'],
  ] as const) {
    if (!known) notes.push(`Pre-release models trained without ${what}: no film has them yet.`);
  }
  return {
    vocabulary: {
      useBudget,
      companies: companyIds.map((id) => ({ id, name: companyNames.get(id) ?? String(id) })),
      countries,
      keywords,
      useCollection,
    },
    notes,
  };
}

/** Feature names in column order; one-hot names carry their value after a colon. */
export function preReleaseFeatureNames(vocabulary: PreReleaseVocabulary): string[] {
  return [
    ...BASE_FEATURES,
    ...(vocabulary.useBudget ? ['budget_known', 'log_budget'] : []),
    'company_count',
    'frequent_company_count',
    'has_frequent_company',
    ...vocabulary.companies.map((company) => `company:${company.id}`),
    'country_count',
    ...vocabulary.countries.map((country) => `country:${country}`),
    ...(vocabulary.useCollection ? ['in_collection'] : []),
    ...vocabulary.keywords.map((keyword) => `keyword:${keyword}`),
  ];
}

const flag = (condition: boolean): number => (condition ? 1 : 0);

export function preReleaseFeatureRow(film: PreReleaseFilm, vocabulary: PreReleaseVocabulary): number[] {
  const base = horrorFeatureRow(film).filter((_, j) => j !== VOTE_COUNT_COLUMN);
  const budget = film.budget ?? 0;
  const companyIds = new Set((film.companies ?? []).map((company) => company.id));
  const countries = new Set(film.countries ?? []);
  const keywords = new Set(film.keywords ?? []);
  const frequent = vocabulary.companies.filter((company) => companyIds.has(company.id)).length;
  return [
    ...base,
    ...(vocabulary.useBudget ? [flag(budget > 0), Math.log1p(Math.max(budget, 0))] : []),
    companyIds.size,
    frequent,
    flag(frequent > 0),
    ...vocabulary.companies.map((company) => flag(companyIds.has(company.id))),
    countries.size,
    ...vocabulary.countries.map((country) => flag(countries.has(country))),
    ...(vocabulary.useCollection ? [flag(film.inCollection === true)] : []),
    ...vocabulary.keywords.map((keyword) => flag(keywords.has(keyword))),
  ];
}

/** Column-major pre-release matrix, one row per film. */
export function preReleaseMatrix(films: readonly PreReleaseFilm[], vocabulary: PreReleaseVocabulary): Matrix {
  const cols = preReleaseFeatureNames(vocabulary).length;
  const data = new Float64Array(films.length * cols);
  films.forEach((film, i) => {
    const row = preReleaseFeatureRow(film, vocabulary);
    for (let j = 0; j < cols; j++) data[j * films.length + i] = row[j];
  });
  return createMatrix(films.length, cols, data);
}
