import { describe, expect, it } from 'vitest';
import { pickFault } from '../../src/tmdb/mock/faults.js';
import { createRoutes, endpointOf } from '../../src/tmdb/mock/routes.js';
import { countRequest, emptyStats, recordAnswer } from '../../src/tmdb/mock/stats.js';
import { ArrivalWindow } from '../../src/tmdb/mock/traffic.js';
import { createRandom } from '../../src/tmdb/random.js';
import { film, genre } from './helpers.js';

const info = { endpoint: 'movie' as const, target: '/3/movie/1' };

describe('mock ArrivalWindow', () => {
  it('counts the arrivals of the last second, this one included', () => {
    const window = new ArrivalWindow();
    expect(window.arrive(0)).toBe(1);
    expect(window.arrive(400)).toBe(2);
    expect(window.arrive(999)).toBe(3);
    expect(window.arrive(1000)).toBe(3);
    expect(window.arrive(2500)).toBe(1);
  });

  it('says how many whole seconds until the window is under the limit again', () => {
    const window = new ArrivalWindow();
    for (const at of [0, 100, 200]) window.arrive(at);
    expect(window.retryAfterSeconds(2, 200)).toBe(1);
    const busy = new ArrivalWindow();
    for (let at = 0; at < 10; at += 1) busy.arrive(at);
    expect(busy.retryAfterSeconds(2, 9)).toBe(1);
  });
});

describe('mock pickFault', () => {
  it('prefers the injector over the configured rate', () => {
    const fault = pickFault({ inject: () => 'reset', faults: { rate: 0 } }, info, createRandom(1));
    expect(fault).toBe('reset');
  });

  it('never injects at rate 0 and only the weighted kinds at rate 1', () => {
    const random = createRandom(1);
    expect(pickFault({ faults: { rate: 0 } }, info, random)).toBeUndefined();
    const kinds = new Set(
      Array.from({ length: 50 }, () =>
        pickFault({ faults: { rate: 1, kinds: { '502': 1, stall: 3 } } }, info, random),
      ),
    );
    expect([...kinds].sort()).toEqual(['502', 'stall']);
  });
});

describe('mock stats', () => {
  it('counts requests by endpoint and answers by status, keeping the newest log entries', () => {
    const stats = emptyStats();
    countRequest(stats, info, 3);
    countRequest(stats, { endpoint: 'discover', target: '/3/discover/movie' }, 1);
    recordAnswer(stats, { ...info, at: 1, status: 200 }, 1);
    recordAnswer(stats, { ...info, at: 2, status: 'reset' }, 1);
    expect(stats).toMatchObject({
      requests: 2,
      byEndpoint: { movie: 1, discover: 1, genres: 0, other: 0 },
      byStatus: { '200': 1, reset: 1 },
      maxPerSecond: 3,
    });
    expect(stats.log).toEqual([{ ...info, at: 2, status: 'reset' }]);
  });
});

describe('mock routes', () => {
  const route = createRoutes([film(1), film(2, { genres: [genre(53)] }), film(3)], new Set([3]));
  const get = (path: string) => route(new URL(path, 'http://mock'));

  it('tells the endpoints apart with or without the version prefix', () => {
    expect(endpointOf('/3/discover/movie')).toBe('discover');
    expect(endpointOf('/genre/movie/list')).toBe('genres');
    expect(endpointOf('/3/movie/12')).toBe('movie');
    expect(endpointOf('/3/tv/12')).toBe('other');
  });

  it('answers details, a removed film with 404 and an unknown path with 404', () => {
    expect(get('/3/movie/1')).toMatchObject({ status: 200, body: { id: 1 } });
    expect(get('/3/movie/3')).toMatchObject({ status: 404, body: { status_code: 34 } });
    expect(get('/3/tv/1')).toMatchObject({ status: 404 });
  });

  it('filters discover by genre and refuses a page out of range', () => {
    const page = get('/3/discover/movie?with_genres=27');
    expect(page.status).toBe(200);
    expect((page.body as { results: Array<{ id: number }> }).results.map((r) => r.id).sort()).toEqual([1, 3]);
    expect(get('/3/discover/movie?page=501')).toMatchObject({ status: 400, body: { status_code: 22 } });
  });
});
