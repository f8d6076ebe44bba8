import {
  type FilmFilter,
  type FilmListRow,
  type FilmOrder,
  type InsightsStore,
  type MonthFigureRow,
  type Paging,
  POPULARITY_MODEL,
  parseGenres,
  RATING_MODEL,
  type TrainingRunsStore,
  type TrainRunRecord,
} from '../../persistence/index.js';
import { MONTH_NAMES } from '../../training/explain.js';
import type {
  HistoryRun,
  ModelAlert,
  MonthItem,
  MonthsResponse,
  MoverItem,
  MoversQuery,
  MovieListItem,
  MovieListQuery,
  RankedItem,
  RankedQuery,
} from '../schemas/insights.js';
import type { SearchIndex } from './search-index.js';

export type InsightsService = ReturnType<typeof createInsightsService>;

/** A run is flagged when a CV mean leaves previous mean ± this many standard deviations. */
const ALERT_DEVIATIONS = 2;
/** Fewer earlier runs than this give no spread worth comparing against. */
const ALERT_MIN_PREVIOUS_RUNS = 3;

const DAY_MS = 86_400_000;

export function yearOf(releaseDate: string | null): number | null {
  const match = releaseDate ? /^(\d{4})/.exec(releaseDate) : null;
  return match ? Number(match[1]) : null;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/** Which quantity a model predicts, from its stable name. */
function targetOf(modelName: string): 'popularity' | 'rating' {
  return modelName.includes('popularity') ? 'popularity' : 'rating';
}

/**
 * How a film compares with its prediction. Popularity residuals are on the log1p scale, so the
 * ratio is exp(residual) (about actual / predicted); ratings compare in points.
 */
export function residualInWords(
  target: 'popularity' | 'rating',
  actual: number,
  predicted: number,
  residual: number,
): { ratio: number | null; in_words: string } {
  if (target === 'popularity') {
    const ratio = Math.exp(residual);
    const shown = ratio >= 0.95 && ratio < 1.05 ? 'about as popular as' : `${round1(ratio)}× as popular as`;
    return { ratio, in_words: `${ratio < 0.95 ? 'only ' : ''}${shown} films like it` };
  }
  const ratio = predicted > 0 ? actual / predicted : null;
  const points = round1(Math.abs(residual));
  if (points === 0) return { ratio, in_words: 'rated as films like it' };
  const side = residual > 0 ? 'above' : 'below';
  return { ratio, in_words: `rated ${points} point${points === 1 ? '' : 's'} ${side} films like it` };
}

/** Quantile by linear interpolation between the closest ranks, of sorted values. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

function quartilesOf(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), q1: quantile(sorted, 0.25), q3: quantile(sorted, 0.75) };
}

/** The ratings of the films somebody has voted on: an unknown rating is no rating of 0. */
function knownRatings(rows: readonly MonthFigureRow[]): number[] {
  return rows.flatMap((r) => (r.vote_average === null ? [] : [Number(r.vote_average)]));
}

function monthOf(releaseDate: string): number | null {
  const month = Number(releaseDate.slice(5, 7));
  return month >= 1 && month <= 12 ? month : null;
}

function groupFigures(rows: readonly MonthFigureRow[]) {
  const sorted = (values: number[]) => values.sort((a, b) => a - b);
  const popularity = sorted(rows.map((r) => Number(r.popularity)));
  const rating = sorted(knownRatings(rows));
  return {
    film_count: rows.length,
    median_popularity: quantile(popularity, 0.5),
    median_rating: quantile(rating, 0.5),
  };
}

/** One sentence that says what the release-month chart shows, from the figures themselves. */
export function octoberSentence(
  october: { film_count: number; median_popularity: number | null },
  rest: { film_count: number; median_popularity: number | null },
): string {
  if (october.film_count === 0 || rest.film_count === 0)
    return 'Not enough films with release dates to compare October with the other months.';
  const o = october.median_popularity ?? 0;
  const r = rest.median_popularity ?? 0;
  const medians = `(median ${round1(o)} vs ${round1(r)})`;
  if (r <= 0) return `October films have a median popularity of ${round1(o)} ${medians}.`;
  const ratio = round1(o / r);
  if (ratio === 1) return `October films are about as popular as other months' ${medians}.`;
  return `October films are ${ratio}× as popular as other months' ${medians}.`;
}

/**
 * Flags each run's CV means that leave the spread of the earlier runs (mean ± 2 std of their
 * means), once at least three earlier runs have the metric. Lower is better for errors (mae).
 */
export function flagRuns(runs: ReadonlyArray<Omit<HistoryRun, 'flagged'>>): HistoryRun[] {
  return runs.map((run, index) => {
    const flagged: ModelAlert[] = [];
    for (const [metric, { mean }] of Object.entries(run.metrics)) {
      const previous = runs
        .slice(0, index)
        .flatMap((r) => (r.metrics[metric] ? [r.metrics[metric].mean] : []));
      if (previous.length < ALERT_MIN_PREVIOUS_RUNS) continue;
      const previousMean = previous.reduce((a, b) => a + b, 0) / previous.length;
      const variance = previous.reduce((a, b) => a + (b - previousMean) ** 2, 0) / (previous.length - 1);
      const previousStd = Math.sqrt(variance);
      // Identical earlier runs have no spread: only a change beyond rounding noise counts.
      const band = Math.max(ALERT_DEVIATIONS * previousStd, 1e-9 * Math.max(1, Math.abs(previousMean)));
      if (Math.abs(mean - previousMean) <= band) continue;
      const lowerIsBetter = metric.endsWith('_mae');
      flagged.push({
        metric,
        mean,
        previous_mean: previousMean,
        previous_std: previousStd,
        worse: lowerIsBetter ? mean > previousMean : mean < previousMean,
      });
    }
    return { ...run, flagged };
  });
}

function historyEntry(run: TrainRunRecord): Omit<HistoryRun, 'flagged'> {
  const metrics: HistoryRun['metrics'] = {};
  for (const [name, value] of Object.entries(run.metrics?.cv5 ?? {})) {
    if (value) metrics[name] = { mean: value.mean, std: value.std };
  }
  return { run_id: run.id, finished_at: run.finished_at, sample_count: run.sample_count, metrics };
}

/** Filters as the store takes them, from the query parameters both lists share. */
function filterOf(query: Partial<MovieListQuery>): FilmFilter {
  return {
    q: query.q,
    yearFrom: query.year_from,
    yearTo: query.year_to,
    genre: query.genre,
    language: query.language,
    company: query.company,
    keyword: query.keyword,
    minVotes: query.min_votes,
  };
}

/** Why two films are neighbours, in a few words. */
function similarityReason(
  film: { release_date: string | null; runtime: number | null; genres: string[] },
  other: { release_date: string | null; runtime: number | null; genres: string[]; keywords: string[] },
  filmKeywords: ReadonlySet<string>,
): string {
  const parts: string[] = [];
  const decade = (date: string | null) => {
    const year = yearOf(date);
    return year === null ? null : Math.floor(year / 10) * 10;
  };
  const filmDecade = decade(film.release_date);
  if (filmDecade !== null && filmDecade === decade(other.release_date)) parts.push(`both ${filmDecade}s`);
  const shared = [
    ...other.genres.filter((g) => g !== 'Horror' && film.genres.includes(g)).map((g) => g.toLowerCase()),
    ...other.keywords.filter((k) => filmKeywords.has(k)),
  ].slice(0, 3);
  if (shared.length) parts.push(`both ${shared.join(', ')}`);
  if (film.runtime && other.runtime && Math.abs(film.runtime - other.runtime) <= 10)
    parts.push('similar runtime');
  return parts.length ? parts.join('; ') : 'close in runtime, votes and release timing';
}

/** The explorer's answers: film search, ranked residuals, movers, release months and model history. */
export function createInsightsService(
  insights: InsightsStore,
  trainingRuns: TrainingRunsStore,
  searchIndex: SearchIndex,
) {
  async function newestRunId(): Promise<number | null> {
    return (await trainingRuns.latestSucceeded())?.id ?? null;
  }

  /** The films linked to the filter's company and keyword (both when both are given), if it names any. */
  async function linkedFilms(filter: FilmFilter): Promise<number[] | undefined> {
    const [company, keyword] = await Promise.all([
      filter.company === undefined ? undefined : insights.linkedFilmIds('company', filter.company),
      filter.keyword === undefined ? undefined : insights.linkedFilmIds('keyword', filter.keyword),
    ]);
    if (company === undefined || keyword === undefined) return company ?? keyword;
    const both = new Set(keyword);
    return company.filter((id) => both.has(id));
  }

  /**
   * Memory finds the matching films and, in every order but the title's, the page itself; the
   * database then reads only that page's films.
   */
  async function searchThroughIndex(
    filter: FilmFilter,
    sort: FilmOrder,
    paging: Paging,
    runId: number | null,
  ): Promise<{ total: number; rows: FilmListRow[] }> {
    const { company: _company, keyword: _keyword, ...inMemory } = filter;
    const found = await searchIndex.search(
      { ...inMemory, ids: await linkedFilms(filter) },
      sort,
      paging,
      runId,
    );
    if (found.kind === 'database') return insights.searchFilms(filter, sort, paging, runId, found.total);
    if (found.kind === 'ids') {
      return insights.searchFilms({ ids: found.ids }, sort, paging, runId, found.ids.length);
    }
    if (found.ids.length === 0) return { total: found.total, rows: [] };
    const page = await insights.searchFilms(
      { ids: found.ids },
      sort,
      { limit: found.ids.length, offset: 0 },
      runId,
      found.total,
    );
    const rowOf = new Map(page.rows.map((row) => [row.tmdb_id, row]));
    // A film removed since the index was built is simply not shown.
    const rows = found.ids.flatMap((id) => rowOf.get(id) ?? []);
    return { total: found.total, rows };
  }

  async function history(): Promise<HistoryRun[]> {
    const runs = (await trainingRuns.all()).filter((r) => r.status === 'succeeded');
    return flagRuns(runs.map(historyEntry));
  }

  return {
    async listMovies(query: MovieListQuery): Promise<{ total: number; items: MovieListItem[] }> {
      const runId = await newestRunId();
      const order = query.order ?? (query.sort === 'title' ? 'asc' : 'desc');
      const filter = filterOf(query);
      const sort = { by: query.sort, order };
      const paging = { limit: query.limit, offset: query.offset };
      const { total, rows } = await searchThroughIndex(filter, sort, paging, runId);
      const items = rows.map(({ genres, ...row }) => ({
        ...row,
        year: yearOf(row.release_date),
        genres: parseGenres(genres),
      }));
      return { total, items };
    },

    async ranked(query: RankedQuery): Promise<{ runId: number | null; total: number; items: RankedItem[] }> {
      const runId = await newestRunId();
      if (runId === null) return { runId, total: 0, items: [] };
      const model = query.target === 'popularity' ? POPULARITY_MODEL : RATING_MODEL;
      const { total, rows } = await insights.rankedByResidual(
        runId,
        model,
        filterOf(query),
        query.direction === 'over' ? 'desc' : 'asc',
        { limit: query.limit, offset: query.offset },
      );
      const items = rows.map((row) => ({
        tmdb_id: row.tmdb_id,
        title: row.title,
        year: yearOf(row.release_date),
        actual: row.actual,
        predicted: row.predicted,
        lower: row.lower,
        upper: row.upper,
        residual: row.residual,
        ...residualInWords(query.target, row.actual, row.predicted, row.residual),
      }));
      return { runId, total, items };
    },

    async movers(query: MoversQuery): Promise<{ since: string | null; items: MoverItem[] }> {
      const newest = await insights.newestSnapshotTime();
      if (!newest) return { since: null, items: [] };
      const since = new Date(Date.parse(newest) - query.window * DAY_MS).toISOString();
      const rows = await insights.movers(
        since,
        query.measure,
        query.direction === 'risers' ? 'desc' : 'asc',
        query.limit,
      );
      const items = rows.map((row) => ({
        tmdb_id: row.tmdb_id,
        title: row.title,
        year: yearOf(row.release_date),
        from: row.from,
        to: row.to,
        change: row.to - row.from,
        relative_change: (row.to - row.from) / row.from,
      }));
      return { since, items };
    },

    async releaseMonths(): Promise<Omit<MonthsResponse, 'hint'>> {
      const byMonth: MonthFigureRow[][] = Array.from({ length: 12 }, () => []);
      for (const row of await insights.releaseMonthFigures()) {
        const month = monthOf(row.release_date);
        if (month !== null) byMonth[month - 1]!.push(row);
      }
      const months: MonthItem[] = byMonth.map((rows, i) => ({
        month: i + 1,
        name: MONTH_NAMES[i]!,
        film_count: rows.length,
        popularity: quartilesOf(rows.map((r) => Number(r.popularity))),
        rating: quartilesOf(knownRatings(rows)),
      }));
      const october = groupFigures(byMonth[9]!);
      const rest = groupFigures(byMonth.filter((_, i) => i !== 9).flat());
      const popularityRatio =
        october.median_popularity !== null && rest.median_popularity
          ? october.median_popularity / rest.median_popularity
          : null;
      const ratingDifference =
        october.median_rating !== null && rest.median_rating !== null
          ? october.median_rating - rest.median_rating
          : null;
      return {
        months,
        october_vs_rest: {
          october,
          rest,
          popularity_ratio: popularityRatio,
          rating_difference: ratingDifference,
        },
        sentence: octoberSentence(october, rest),
      };
    },

    history,

    /** The newest run's flags: what /api/status reports as model alerts. */
    async modelAlerts(): Promise<Array<ModelAlert & { run_id: number }>> {
      const runs = await history();
      const newest = runs[runs.length - 1];
      return newest ? newest.flagged.map((alert) => ({ run_id: newest.run_id, ...alert })) : [];
    },

    /** What the film page adds to a film: each model's out-of-fold prediction and its neighbours. */
    async filmModelOutputs(tmdbId: number) {
      const runId = await newestRunId();
      if (runId === null) return { predictions: [], similar: [] };
      const [predictions, neighbours, film] = await Promise.all([
        insights.predictionsOf(runId, tmdbId),
        insights.similarTo(runId, tmdbId),
        insights.filmTraits([tmdbId]),
      ]);
      const others = await insights.filmTraits(neighbours.map((n) => n.tmdb_id));
      const self = film.get(tmdbId) ?? { release_date: null, runtime: null, genres: [], keywords: [] };
      const filmKeywords = new Set(self.keywords);
      return {
        predictions: predictions.map((p) => {
          const target = targetOf(p.model_name);
          return {
            model: p.model_name,
            target,
            predicted: p.predicted,
            lower: p.lower,
            upper: p.upper,
            actual: p.actual,
            residual: p.residual,
            ...residualInWords(target, p.actual, p.predicted, p.residual),
          };
        }),
        similar: neighbours.map((n) => ({
          tmdb_id: n.tmdb_id,
          title: n.title,
          year: yearOf(n.release_date),
          poster_path: n.poster_path,
          distance: n.distance,
          shared_genres: n.shared_genres,
          shared_keywords: n.shared_keywords,
          reason: similarityReason(
            self,
            others.get(n.tmdb_id) ?? { release_date: null, runtime: null, genres: [], keywords: [] },
            filmKeywords,
          ),
        })),
      };
    },
  };
}
