/**
 * The scales predictions live on. A linear model extrapolates past them (a vote average of 11.5,
 * a negative popularity); stored and served predictions are clamped to what the measure can be.
 */
export const VOTE_AVERAGE_RANGE = { min: 0, max: 10 } as const;

export function clampVoteAverage(value: number): number {
  return Math.min(VOTE_AVERAGE_RANGE.max, Math.max(VOTE_AVERAGE_RANGE.min, value));
}

/** Popularity has no upper bound, only zero below. */
export function clampPopularity(value: number): number {
  return Math.max(0, value);
}
