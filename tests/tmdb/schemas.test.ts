import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readMovieDetails, usTheatricalRelease } from '../../src/tmdb/schemas.js';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

function detailsOf(answer: unknown) {
  const read = readMovieDetails(answer);
  if ('problem' in read) throw new Error(read.problem);
  return read.details;
}

describe('TMDB details answers as TMDB sends them', () => {
  it('reads a full answer with keywords and release dates appended', () => {
    const details = detailsOf(fixture('movie-details-hereditary.json'));
    expect(details).toMatchObject({
      id: 493922,
      imdb_id: 'tt7784604',
      runtime: 128,
      budget: 10_000_000,
      revenue: 82_800_000,
      status: 'Released',
      tagline: 'Every family tree hides a secret.',
      belongs_to_collection: null,
    });
    expect(details.production_companies).toEqual([
      { id: 41077, name: 'A24', origin_country: 'US' },
      { id: 90733, name: 'PalmStar Media', origin_country: 'US' },
      { id: 142225, name: 'Windy Hill Pictures', origin_country: null },
    ]);
    expect(details.production_countries).toEqual([{ iso_3166_1: 'US', name: 'United States of America' }]);
    expect(details.spoken_languages.map((language) => language.iso_639_1)).toEqual(['en']);
    expect(details.keywords.keywords.map((keyword) => keyword.name)).toEqual([
      'monster',
      'possession',
      'supernatural',
      'haunting',
    ]);
    expect(usTheatricalRelease(details.release_dates)).toBe('2018-06-08');
  });

  it('reads the empty values of an obscure film as unknown', () => {
    const details = detailsOf(fixture('movie-details-obscure.json'));
    expect(details).toMatchObject({
      imdb_id: null,
      overview: null,
      tagline: null,
      poster_path: null,
      backdrop_path: null,
      release_date: null,
      runtime: null,
      budget: null,
      revenue: null,
      popularity: 0,
      genres: [],
      production_companies: [],
      belongs_to_collection: { id: 1010159, name: 'Blood Harvest Collection' },
    });
    expect(usTheatricalRelease(details.release_dates)).toBeNull();
  });

  it('accepts a runtime of null and an answer without the appended parts', () => {
    const { keywords: _k, release_dates: _r, ...plain } = fixture('movie-details-hereditary.json');
    const details = detailsOf({ ...plain, runtime: null });
    expect(details.runtime).toBeNull();
    expect(details.keywords.keywords).toEqual([]);
    expect(usTheatricalRelease(details.release_dates)).toBeNull();
  });

  it('names the field that is wrong, with what was expected and what came', () => {
    const answer = { ...fixture('movie-details-hereditary.json'), vote_count: '8041' };
    expect(readMovieDetails(answer)).toEqual({ problem: 'details: vote_count: expected number, got string' });
    const { title: _, ...untitled } = fixture('movie-details-obscure.json');
    expect(readMovieDetails(untitled)).toEqual({ problem: 'details: title: expected string, got nothing' });
  });

  it('takes the earliest US theatrical date and ignores premieres, other countries and other types', () => {
    const at = (date: string) => `${date}T00:00:00.000Z`;
    expect(
      usTheatricalRelease({
        results: [
          { iso_3166_1: 'CA', release_dates: [{ release_date: at('2020-01-01'), type: 3 }] },
          {
            iso_3166_1: 'US',
            release_dates: [
              { release_date: at('2020-10-30'), type: 3 },
              { release_date: at('2020-10-02'), type: 2 },
              { release_date: at('2020-10-16'), type: 3 },
            ],
          },
        ],
      }),
    ).toBe('2020-10-16');
  });
});
