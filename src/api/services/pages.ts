/** A slice of a list, as the API's `limit` and `offset` ask for it. */
export interface Page {
  limit: number;
  offset: number;
}

/** Rows are read in aligned blocks of this many: the largest `limit` the API accepts. */
export const PAGE_BLOCK = 10_000;

/** Pages within the first blocks are cached; deeper ones are rare and read exactly, uncached. */
const CACHED_ROWS = 2 * PAGE_BLOCK;

/**
 * What to read for a page. Near the top of a list the page is widened to whole blocks, so that any
 * limit and offset there map onto one of three cacheable windows: varying them cannot fill or flush
 * the answer cache. Deeper pages are read as asked and not cached.
 */
export function windowOf(page: Page): Page & { cacheable: boolean } {
  const start = Math.floor(page.offset / PAGE_BLOCK) * PAGE_BLOCK;
  const end = Math.ceil((page.offset + page.limit) / PAGE_BLOCK) * PAGE_BLOCK;
  if (end > CACHED_ROWS) return { ...page, cacheable: false };
  return { offset: start, limit: end - start, cacheable: true };
}

/** The asked page, cut from the rows of its window. */
export function cutPage<T>(rows: readonly T[], window: Page, page: Page): T[] {
  const from = page.offset - window.offset;
  return rows.slice(from, from + page.limit);
}
