import { stringify } from 'csv-stringify/sync';
import type { Page, Route } from 'playwright-core';
import { MONTH_NAMES } from '../../src/training/explain.js';

/**
 * Stand-ins for the explorer and insight endpoints for as long as the application does not serve
 * them: each request goes to the real application first, and only an answer of "No such endpoint"
 * is replaced by one built here from the films in the test database. A film's page gets the real
 * film, snapshots and prediction, with facts, model predictions and similar films added only when
 * the real answer has none. The figures here are made up; the shapes follow the planned API.
 */

export interface FakeFilm {
  tmdb_id: number;
  title: string;
  original_title: string | null;
  release_date: string | null;
  poster_path: string | null;
  original_language: string | null;
  genres: string[];
  popularity: number;
  vote_count: number;
  vote_average: number;
}

/** Which paths the application answered "No such endpoint" for: the fake serves those. */
export interface FakeLog {
  served: Set<string>;
}

const months = MONTH_NAMES;

function yearOf(film: FakeFilm): number | null {
  return film.release_date ? Number(film.release_date.slice(0, 4)) : null;
}

/** A made-up prediction: every film predicted from its vote count, so that residuals differ. */
function predictedPopularity(film: FakeFilm): number {
  return 2 + Math.log1p(film.vote_count) * 1.5;
}

function listItem(film: FakeFilm) {
  const predicted = predictedPopularity(film);
  return {
    tmdb_id: film.tmdb_id,
    title: film.title,
    original_title: film.original_title,
    release_date: film.release_date,
    year: yearOf(film),
    poster_path: film.poster_path,
    genres: film.genres,
    original_language: film.original_language,
    popularity: film.popularity,
    vote_count: film.vote_count,
    vote_average: film.vote_average,
    predicted_popularity: predicted,
    predicted_rating: 6,
    residual_popularity: Math.log1p(film.popularity) - Math.log1p(predicted),
    residual_rating: film.vote_average - 6,
  };
}

const sortKeys: Record<string, (film: ReturnType<typeof listItem>) => number | string> = {
  popularity: (f) => f.popularity,
  rating: (f) => f.vote_average,
  votes: (f) => f.vote_count,
  release_date: (f) => f.release_date ?? '',
  residual: (f) => f.residual_popularity,
  title: (f) => f.title.toLowerCase(),
};

function movies(films: FakeFilm[], query: URLSearchParams) {
  const q = (query.get('q') ?? '').toLowerCase();
  const yearFrom = Number(query.get('year_from') ?? Number.NEGATIVE_INFINITY);
  const yearTo = Number(query.get('year_to') ?? Number.POSITIVE_INFINITY);
  const genre = query.get('genre');
  const key = sortKeys[query.get('sort') ?? 'popularity'] ?? sortKeys.popularity;
  const direction = query.get('order') === 'asc' ? 1 : -1;
  const limit = Number(query.get('limit') ?? 20);
  const offset = Number(query.get('offset') ?? 0);
  const matching = films
    .filter((film) => film.title.toLowerCase().includes(q))
    .filter((film) => {
      const year = yearOf(film);
      return year === null || (year >= yearFrom && year <= yearTo);
    })
    .filter((film) => !genre || film.genres.includes(genre))
    .map(listItem)
    .sort((a, b) => (key(a) < key(b) ? -direction : key(a) > key(b) ? direction : 0));
  return { total: matching.length, limit, offset, items: matching.slice(offset, offset + limit) };
}

function underOverRated(films: FakeFilm[], query: URLSearchParams) {
  const direction = query.get('direction') === 'over' ? 'over' : 'under';
  const target = query.get('target') === 'rating' ? 'rating' : 'popularity';
  const limit = Number(query.get('limit') ?? 20);
  const items = films
    .map((film) => {
      const predicted = target === 'rating' ? 6 : predictedPopularity(film);
      const actual = target === 'rating' ? film.vote_average : film.popularity;
      const ratio = actual / predicted;
      return {
        tmdb_id: film.tmdb_id,
        title: film.title,
        year: yearOf(film),
        actual,
        predicted,
        lower: predicted * 0.6,
        upper: predicted * 1.5,
        residual: actual - predicted,
        ratio,
        in_words: `${ratio.toFixed(1)}× as ${target === 'rating' ? 'well rated' : 'popular'} as films like it`,
      };
    })
    .sort((a, b) => (direction === 'under' ? a.residual - b.residual : b.residual - a.residual))
    .slice(0, limit);
  return { run_id: 1, target, direction, items };
}

function movers(films: FakeFilm[], query: URLSearchParams) {
  const window = Number(query.get('window') ?? 7);
  const risers = query.get('direction') !== 'fallers';
  const limit = Number(query.get('limit') ?? 10);
  const items = films
    .map((film, index) => {
      const change = ((index % 7) - 3) * (window / 7) * 1.3;
      const from = Math.max(0.5, film.popularity - change);
      return {
        tmdb_id: film.tmdb_id,
        title: film.title,
        year: yearOf(film),
        from,
        to: film.popularity,
        change: film.popularity - from,
        relative_change: (film.popularity - from) / from,
      };
    })
    .filter((item) => (risers ? item.change > 0 : item.change < 0))
    .sort((a, b) => (risers ? b.change - a.change : a.change - b.change))
    .slice(0, limit);
  return { window_days: window, items };
}

function quartiles(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (share: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(share * (sorted.length - 1)))] ?? 0;
  return { median: at(0.5), q1: at(0.25), q3: at(0.75) };
}

function releaseMonths(films: FakeFilm[]) {
  const byMonth = months.map((name, index) => {
    const inMonth = films.filter(
      (film) => film.release_date && Number(film.release_date.slice(5, 7)) === index + 1,
    );
    return {
      month: index + 1,
      name,
      film_count: inMonth.length,
      popularity: quartiles(inMonth.map((film) => film.popularity)),
      rating: quartiles(inMonth.map((film) => film.vote_average)),
    };
  });
  const october = byMonth[9].popularity.median;
  const rest = quartiles(films.map((film) => film.popularity)).median;
  return {
    months: byMonth,
    october_vs_rest: { october_median: october, rest_median: rest },
    sentence: `October films are ${(october / rest).toFixed(1)}× as popular as other months' (median ${october.toFixed(1)} vs ${rest.toFixed(1)}).`,
  };
}

function modelHistory() {
  const runs = [0, 1, 2, 3, 4].map((index) => {
    const ratingR2 = index === 4 ? 0.2 : 0.41 + index * 0.005;
    return {
      run_id: index + 1,
      finished_at: new Date(Date.UTC(2026, 10, 20 + index, 12)).toISOString(),
      sample_count: 500 + index * 10,
      metrics: {
        popularity_v2_r2: { mean: 0.52 + index * 0.01, std: 0.03 },
        popularity_v2_mae: { mean: 1.6 - index * 0.02, std: 0.2 },
        rating_v2_r2: { mean: ratingR2, std: 0.02 },
        rating_v2_mae: { mean: 0.55, std: 0.04 },
        rf_regression_r2: { mean: 0.3, std: 0.04 },
        rf_regression_mae: { mean: 1.7, std: 0.3 },
        rf_classification_auc: { mean: 0.74, std: 0.02 },
        rf_classification_accuracy: { mean: 0.68, std: 0.02 },
      },
      flagged:
        index === 4
          ? [
              {
                metric: 'rating_v2_r2',
                mean: ratingR2,
                previous_mean: 0.4175,
                previous_std: 0.0065,
                worse: true,
              },
            ]
          : [],
    };
  });
  return { runs };
}

function similarTo(films: FakeFilm[], film: FakeFilm) {
  return films
    .filter((other) => other.tmdb_id !== film.tmdb_id)
    .map((other) => ({
      other,
      distance: Math.abs(Math.log1p(other.vote_count) - Math.log1p(film.vote_count)),
    }))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, 10)
    .map(({ other, distance }) => ({
      tmdb_id: other.tmdb_id,
      title: other.title,
      year: yearOf(other),
      poster_path: other.poster_path,
      distance,
      reason: 'similar vote count, both horror',
    }));
}

/** The parts of a film's answer that the application may not send yet. */
function filmExtras(films: FakeFilm[], film: FakeFilm) {
  const predicted = predictedPopularity(film);
  return {
    facts: {
      budget: 1_500_000,
      revenue: 12_000_000,
      status: 'Released',
      tagline: 'Nobody leaves the house.',
      us_release_date: film.release_date,
      spoken_languages: ['en'],
      companies: [{ id: 1, name: 'Blumhouse Productions', origin_country: 'US' }],
      countries: [{ iso_3166_1: 'US', name: 'United States of America' }],
      collection: null,
      keywords: [
        { id: 1, name: 'haunted house' },
        { id: 2, name: 'possession' },
      ],
    },
    predictions: [
      {
        model: 'popularity_v2',
        predicted,
        lower: predicted * 0.6,
        upper: predicted * 1.5,
        actual: film.popularity,
        residual: Math.log1p(film.popularity) - Math.log1p(predicted),
        ratio: film.popularity / predicted,
        in_words: `${(film.popularity / predicted).toFixed(1)}× as popular as films like it`,
      },
      {
        model: 'rating_v2',
        predicted: 6,
        lower: 5.1,
        upper: 6.9,
        actual: film.vote_average,
        residual: film.vote_average - 6,
        in_words: `rated ${(film.vote_average - 6).toFixed(1)} points ${film.vote_average >= 6 ? 'above' : 'below'} films like it`,
      },
    ],
    similar: similarTo(films, film),
  };
}

/** A list as CSV: a header row of the item fields, one row per item. */
function csvOf(items: Array<Record<string, unknown>>): string {
  const columns = Object.keys(items[0] ?? { tmdb_id: null });
  return stringify(
    items.map((item) =>
      columns.map((column) =>
        Array.isArray(item[column]) ? (item[column] as unknown[]).join('|') : item[column],
      ),
    ),
    { header: true, columns },
  );
}

function answerOf(
  films: FakeFilm[],
  url: URL,
): { items?: Array<Record<string, unknown>>; [key: string]: unknown } {
  const query = url.searchParams;
  switch (url.pathname) {
    case '/api/movies':
      return movies(films, query);
    case '/api/insights/under-over-rated':
      return underOverRated(films, query);
    case '/api/insights/movers':
      return movers(films, query);
    case '/api/insights/release-months':
      return releaseMonths(films);
    default:
      return modelHistory();
  }
}

async function fulfil(route: Route, films: FakeFilm[], url: URL): Promise<void> {
  const answer = answerOf(films, url);
  if (url.searchParams.get('format') === 'csv') {
    const rows = (answer.items ?? (answer.months as Array<Record<string, unknown>>) ?? []) as Array<
      Record<string, unknown>
    >;
    const name = `horrorcast-${url.pathname.split('/').at(-1)}.csv`;
    await route.fulfill({
      status: 200,
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${name}"`,
      },
      body: csvOf(rows.map((row) => flatten(row))),
    });
    return;
  }
  await route.fulfill({ status: 200, json: answer });
}

/** { popularity: { median } } → { popularity_median }: nested figures as columns of their own. */
function flatten(row: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).flatMap(([key, value]) =>
      value && typeof value === 'object' && !Array.isArray(value)
        ? Object.entries(flatten(value as Record<string, unknown>, `${prefix}${key}_`))
        : [[`${prefix}${key}`, value]],
    ),
  );
}

function isFakedPath(url: URL): boolean {
  return url.pathname === '/api/movies' || url.pathname.startsWith('/api/insights/');
}

/** Routes the page's requests for missing endpoints to the fake; returns what was faked. */
export async function installInsightsFake(page: Page, films: FakeFilm[]): Promise<FakeLog> {
  const log: FakeLog = { served: new Set() };
  const missing = new Map<string, boolean>();
  await page.route(isFakedPath, async (route) => {
    const url = new URL(route.request().url());
    if (missing.get(url.pathname) !== true) {
      const real = await route.fetch();
      const body = await real.text();
      const isMissing = real.status() === 404 && body.includes('No such endpoint');
      missing.set(url.pathname, isMissing);
      if (!isMissing) {
        await route.fulfill({ response: real, body });
        return;
      }
    }
    log.served.add(url.pathname);
    await fulfil(route, films, url);
  });
  await page.route(/\/api\/movies\/\d+(\?.*)?$/, async (route) => {
    const real = await route.fetch();
    if (real.status() !== 200) {
      await route.fulfill({ response: real });
      return;
    }
    const answer = await real.json();
    const film = films.find((candidate) => candidate.tmdb_id === answer.movie?.tmdb_id);
    if (!film || ('similar' in answer && 'facts' in answer)) {
      await route.fulfill({ response: real, json: answer });
      return;
    }
    log.served.add('/api/movies/:id (facts, predictions, similar)');
    await route.fulfill({ response: real, json: { ...filmExtras(films, film), ...answer } });
  });
  return log;
}
