import type { DetailsState } from '../persistence/index.js';

/**
 * The shape of the details answer a collection stores now: 2 adds money, status, companies,
 * countries, languages, collection, keywords and the US release date to runtime and genres.
 * Films stored with an older shape get their details fetched once more.
 */
export const DETAILS_VERSION = 2;

const DAY_MS = 86_400_000;

/** Every year from `from` to `to`, both included. */
export function yearsBetween(from: number, to: number): number[] {
  const years: number[] = [];
  for (let year = from; year <= to; year += 1) years.push(year);
  return years;
}

/** A film needs its details fetched when it is new, never had them, has them of an older shape, or they are stale. */
export function needsDetails(state: DetailsState | undefined, freshSince: number): boolean {
  if (!state || state.fetchedAt === null) return true;
  if (state.version < DETAILS_VERSION) return true;
  return Date.parse(state.fetchedAt) < freshSince;
}

/** The earliest moment details may have been fetched and still be trusted. */
export function freshSince(now: Date, maxAgeDays: number): number {
  return now.getTime() - maxAgeDays * DAY_MS;
}

/**
 * The discover pages a run visits: each year's page 1 first, then 2..min(maxPagesPerYear,
 * total_pages) once page 1 has said how many there are. Counts what is planned for progress.
 */
export class PagePlan {
  private readonly planned: Map<number, number>;

  constructor(
    readonly years: readonly number[],
    private readonly maxPagesPerYear: number,
  ) {
    this.planned = new Map(years.map((year) => [year, 1]));
  }

  /** Records a year's page count and returns the pages still to visit after page 1. */
  afterFirstPage(year: number, totalPages: number): number[] {
    const last = Math.min(this.maxPagesPerYear, totalPages);
    this.planned.set(year, Math.max(1, last));
    const rest: number[] = [];
    for (let page = 2; page <= last; page += 1) rest.push(page);
    return rest;
  }

  /** Pages the run knows it will visit; grows as years report their totals. */
  get pagesPlanned(): number {
    let sum = 0;
    for (const pages of this.planned.values()) sum += pages;
    return sum;
  }
}
