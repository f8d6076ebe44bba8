import { describe, expect, it } from 'vitest';
import {
  type FilmAttributes,
  featureMatrix,
  HORROR_FEATURES,
  horrorFeatureRow,
  LINEAR_FEATURES,
  linearFeatureRow,
} from '../../src/training/features.js';

const film: FilmAttributes = {
  runtime: 0,
  voteCount: 120,
  releaseDate: '1987-10-31',
  genres: ['Horror', 'Thriller', 'Science Fiction'],
  originalLanguage: 'en',
};

const named = (names: readonly string[], row: number[]) =>
  Object.fromEntries(names.map((n, i) => [n, row[i]]));

describe('features', () => {
  it('horror set: runtime 0 → 90, decade, October flag, holiday = Nov–Dec', () => {
    expect(named(HORROR_FEATURES, horrorFeatureRow(film))).toEqual({
      runtime: 90,
      vote_count: 120,
      release_year: 1987,
      release_month: 10,
      release_decade: 1980,
      is_october: 1,
      is_summer: 0,
      is_holiday: 0,
      genre_count: 3,
      genre_thriller: 1,
      genre_mystery: 0,
      genre_scifi: 1,
      genre_fantasy: 0,
      is_english: 1,
    });
    expect(horrorFeatureRow({ ...film, releaseDate: '2001-12-01' })[7]).toBe(1);
    expect(horrorFeatureRow({ ...film, runtime: null })[0]).toBe(90);
    expect(horrorFeatureRow({ ...film, runtime: 104 })[0]).toBe(104);
  });

  it('linear set: holiday = Oct–Dec, drama flag, runtime kept as given', () => {
    expect(named(LINEAR_FEATURES, linearFeatureRow({ ...film, runtime: 95, genres: ['Drama'] }))).toEqual({
      runtime: 95,
      vote_count: 120,
      release_year: 1987,
      release_month: 10,
      is_summer: 0,
      is_holiday: 1,
      genre_thriller: 0,
      genre_drama: 1,
      genre_scifi: 0,
      genre_count: 1,
      is_english: 1,
    });
    expect(linearFeatureRow({ ...film, releaseDate: '2010-07-04' })[4]).toBe(1);
  });

  it('a missing release date counts as January 2000, like the reference script', () => {
    const row = horrorFeatureRow({ ...film, releaseDate: null, originalLanguage: 'fr' });
    expect(row.slice(2, 5)).toEqual([2000, 1, 2000]);
    expect(row[13]).toBe(0);
  });

  it('builds a column-major matrix', () => {
    const x = featureMatrix([film, { ...film, voteCount: 5 }], horrorFeatureRow);
    expect(x.rows).toBe(2);
    expect(x.cols).toBe(14);
    expect(Array.from(x.data.subarray(2, 4))).toEqual([120, 5]);
  });
});
