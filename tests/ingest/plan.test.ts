import { describe, expect, it } from 'vitest';
import { DETAILS_VERSION, freshSince, needsDetails, PagePlan, yearsBetween } from '../../src/ingest/plan.js';

describe('collection plan', () => {
  const now = new Date('2026-11-24T12:00:00.000Z');
  const since = freshSince(now, 7);
  const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();

  it('lists the years of a run, both ends included', () => {
    expect(yearsBetween(2010, 2012)).toEqual([2010, 2011, 2012]);
    expect(yearsBetween(2012, 2012)).toEqual([2012]);
    expect(yearsBetween(2013, 2012)).toEqual([]);
  });

  it('fetches details for new films, films without details, older shapes and stale details only', () => {
    expect(needsDetails(undefined, since)).toBe(true);
    expect(needsDetails({ fetchedAt: null, version: 0 }, since)).toBe(true);
    expect(needsDetails({ fetchedAt: daysAgo(1), version: DETAILS_VERSION - 1 }, since)).toBe(true);
    expect(needsDetails({ fetchedAt: daysAgo(8), version: DETAILS_VERSION }, since)).toBe(true);
    expect(needsDetails({ fetchedAt: daysAgo(6), version: DETAILS_VERSION }, since)).toBe(false);
  });

  it('plans page 1 of every year, then the pages a year reports, up to the per-year limit', () => {
    const plan = new PagePlan([2010, 2011, 2012], 5);
    expect(plan.pagesPlanned).toBe(3);
    expect(plan.afterFirstPage(2010, 3)).toEqual([2, 3]);
    expect(plan.afterFirstPage(2011, 40)).toEqual([2, 3, 4, 5]);
    expect(plan.afterFirstPage(2012, 0)).toEqual([]);
    expect(plan.pagesPlanned).toBe(3 + 5 + 1);
  });
});
