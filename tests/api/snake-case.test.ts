import { describe, expect, it } from 'vitest';
import { snakeCaseKeys } from '../../src/api/snake-case.js';

describe('snakeCaseKeys', () => {
  it('renames every key at every depth and leaves values, arrays and snake_case keys alone', () => {
    expect(
      snakeCaseKeys({
        runId: 3,
        new_films: 2,
        years: { from: 2010, to: 2012 },
        failures: [{ tmdbId: 9, reason: 'details: runtime' }],
        byStatus: { '200': 5 },
        error: null,
      }),
    ).toEqual({
      run_id: 3,
      new_films: 2,
      years: { from: 2010, to: 2012 },
      failures: [{ tmdb_id: 9, reason: 'details: runtime' }],
      by_status: { '200': 5 },
      error: null,
    });
    expect(snakeCaseKeys('pagesDone')).toBe('pagesDone');
  });
});
