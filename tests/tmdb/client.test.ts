import { afterEach, describe, expect, it } from 'vitest';
import { createTmdbClient, detectAuthMode } from '../../src/tmdb/client.js';
import { TmdbAuthError, TmdbNotFoundError, TmdbRequestError } from '../../src/tmdb/errors.js';
import { type FaultKind, type MockTmdb, startMockTmdb } from '../../src/tmdb/mock/index.js';
import { TokenBucketRateLimiter } from '../../src/tmdb/rate-limiter.js';
import { captureLogger, clientFor, film } from './helpers.js';

const V3_KEY = 'c0ffee0123456789abcdef0123456789';
const V4_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJob3Jyb3JjYXN0In0.c2lnbmF0dXJl';
const catalog = Array.from({ length: 45 }, (_, i) => film(100 + i));

let mock: MockTmdb | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

async function start(options: Parameters<typeof startMockTmdb>[0] = {}): Promise<MockTmdb> {
  mock = await startMockTmdb({ catalog, apiKeys: [V3_KEY, V4_TOKEN], ...options });
  return mock;
}

/** Records what went on the wire, then lets the real fetch send it. */
function recordingFetch(): {
  fetch: typeof fetch;
  sent: Array<{ url: string; authorization: string | null }>;
} {
  const sent: Array<{ url: string; authorization: string | null }> = [];
  return {
    sent,
    fetch: (input, init) => {
      sent.push({ url: String(input), authorization: new Headers(init?.headers).get('authorization') });
      return fetch(input, init);
    },
  };
}

/** Fails the first `times` requests whose target matches, with `kind`. */
function failFirst(times: number, kind: FaultKind, match = '/movie/100') {
  let left = times;
  return ({ target }: { target: string }) => {
    if (!target.includes(match) || left === 0) return undefined;
    left -= 1;
    return kind;
  };
}

describe('TMDB client authentication', () => {
  it('detects a v4 token by its JWT prefix and anything else as a v3 key', () => {
    expect(detectAuthMode(V4_TOKEN)).toBe('bearer');
    expect(detectAuthMode(V3_KEY)).toBe('api_key');
  });

  it('sends a v3 key as the api_key parameter and no Authorization header', async () => {
    const server = await start();
    const wire = recordingFetch();
    const client = clientFor(server, V3_KEY, { fetch: wire.fetch });
    const page = await client.discoverMovies({ year: 2012, withGenres: [27], minVotes: 10, page: 1 });
    expect(page.results).toHaveLength(20);
    expect(new URL(wire.sent[0].url).searchParams.get('api_key')).toBe(V3_KEY);
    expect(wire.sent[0].authorization).toBeNull();
  });

  it('sends a v4 token as a Bearer header and no api_key parameter', async () => {
    const server = await start();
    const wire = recordingFetch();
    const client = clientFor(server, V4_TOKEN, { fetch: wire.fetch });
    const details = await client.movieDetails(101);
    expect(details).toMatchObject({ id: 101, runtime: 90, imdb_id: 'tt1000101' });
    expect(details.genres).toEqual([{ id: 27, name: 'Horror' }]);
    expect(new URL(wire.sent[0].url).searchParams.has('api_key')).toBe(false);
    expect(wire.sent[0].authorization).toBe(`Bearer ${V4_TOKEN}`);
  });

  it('reads the genre list', async () => {
    const client = clientFor(await start(), V3_KEY);
    expect(await client.genres()).toContainEqual({ id: 27, name: 'Horror' });
  });

  it.each([
    ['v3 key', 'not-the-key-0000'],
    ['v4 token', 'eyJub3QiOiJ0aGUga2V5In0'],
  ])(
    'turns 401 for a wrong %s into TmdbAuthError and stops every queued request within seconds',
    async (_, key) => {
      const server = await start();
      // At 5 requests a second, 40 films would take 8 s; the first 401 must end them all at once.
      const client = clientFor(server, key, { rate: 5 });
      const started = performance.now();
      const results = await Promise.allSettled(catalog.slice(0, 40).map((f) => client.movieDetails(f.id)));
      const elapsed = performance.now() - started;
      for (const result of results) {
        expect(result.status).toBe('rejected');
        expect((result as PromiseRejectedResult).reason).toBeInstanceOf(TmdbAuthError);
      }
      expect((results[0] as PromiseRejectedResult).reason.message).toMatch(/^TMDB rejected the API key/);
      expect(elapsed).toBeLessThan(3000);
      expect(client.stats.apiCalls).toBeLessThanOrEqual(2);
      await expect(client.genres()).rejects.toBeInstanceOf(TmdbAuthError);
    },
  );
});

describe('TMDB client failures', () => {
  it('reports a missing film as TmdbNotFoundError after a single request', async () => {
    const server = await start({ notFoundIds: [105] });
    const client = clientFor(server, V3_KEY);
    await expect(client.movieDetails(105)).rejects.toBeInstanceOf(TmdbNotFoundError);
    expect(server.stats.byEndpoint.movie).toBe(1);
    expect(client.stats.retries).toBe(0);
  });

  it.each<FaultKind>(['500', '502', '503', 'reset', 'truncated'])(
    'retries a %s and returns the answer that follows',
    async (kind) => {
      const server = await start({ inject: failFirst(2, kind) });
      const client = clientFor(server, V3_KEY);
      expect((await client.movieDetails(100)).id).toBe(100);
      expect(client.stats.retries).toBe(2);
      expect(client.stats.apiCalls).toBe(3);
      expect(server.stats.faults[kind]).toBe(2);
    },
  );

  it('gives up after the bounded number of attempts with a typed error', async () => {
    const server = await start({ inject: failFirst(100, '503') });
    const client = clientFor(server, V3_KEY, { maxAttempts: 4 });
    const error = await client.movieDetails(100).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TmdbRequestError);
    expect(error).toMatchObject({ path: '/movie/100', attempts: 4 });
    expect((error as Error).message).toMatch(/HTTP 503/);
    expect(server.stats.byEndpoint.movie).toBe(4);
  });

  it('times out a silent answer and retries it', async () => {
    const server = await start({ inject: failFirst(1, 'stall'), faults: { rate: 0, stallMs: 60_000 } });
    const client = clientFor(server, V3_KEY, { timeoutMs: 300, hedge: false });
    expect((await client.movieDetails(100)).id).toBe(100);
    expect(client.stats.retries).toBe(1);
  });

  it('sends a silent request once more and takes the first answer, long before the timeout', async () => {
    const server = await start({ inject: failFirst(1, 'stall'), faults: { rate: 0, stallMs: 120_000 } });
    // Without the hedge this single attempt could only fail, after 50 s.
    const client = clientFor(server, V3_KEY, {
      timeoutMs: 50_000,
      maxAttempts: 1,
      hedge: { minMs: 100, maxMs: 100 },
    });
    expect((await client.movieDetails(100)).id).toBe(100);
    expect(client.stats).toMatchObject({ hedges: 1, apiCalls: 2, retries: 0 });
  });

  it('sends a silent request again when its first copy is silent too', async () => {
    const server = await start({ inject: failFirst(2, 'stall'), faults: { rate: 0, stallMs: 120_000 } });
    const client = clientFor(server, V3_KEY, {
      timeoutMs: 50_000,
      maxAttempts: 1,
      hedge: { minMs: 100, maxMs: 100 },
    });
    expect((await client.movieDetails(100)).id).toBe(100);
    expect(client.stats).toMatchObject({ hedges: 2, apiCalls: 3 });
  });

  it('settles on a copy that fails instead of waiting for a silent one, and retries', async () => {
    const kinds: FaultKind[] = ['stall', '503'];
    const server = await start({
      inject: ({ target }) => (target.includes('/movie/100') ? kinds.shift() : undefined),
      faults: { rate: 0, stallMs: 120_000 },
    });
    const client = clientFor(server, V3_KEY, { timeoutMs: 50_000, hedge: { minMs: 100, maxMs: 100 } });
    expect((await client.movieDetails(100)).id).toBe(100);
    expect(client.stats).toMatchObject({ hedges: 1, retries: 1, apiCalls: 3 });
  });

  it('honours Retry-After: a request refused with 429 is not sent again before the delay', async () => {
    const server = await start({ rateLimit: 3 });
    const client = clientFor(server, V3_KEY, {
      rateLimiter: new TokenBucketRateLimiter({ ratePerSecond: 100, headroom: 0 }),
    });
    const films = await Promise.all(catalog.slice(0, 8).map((f) => client.movieDetails(f.id)));
    expect(films.map((f) => f.id)).toEqual(catalog.slice(0, 8).map((f) => f.id));
    expect(client.stats.rateLimited).toBeGreaterThan(0);
    const refused = server.stats.log.filter((entry) => entry.status === 429);
    expect(refused.length).toBe(client.stats.rateLimited);
    for (const refusal of refused) {
      const again = server.stats.log.find(
        (entry) => entry.target === refusal.target && entry.at > refusal.at,
      );
      expect(again, `retry of ${refusal.target}`).toBeDefined();
      // Retry-After is at least one second; `at` is rounded to the millisecond.
      expect(again!.at - refusal.at).toBeGreaterThanOrEqual(999);
    }
  });

  it('keeps the request rate at or under the bucket, as the server counts it', async () => {
    // The server does not refuse: on a busy machine arrivals bunch up in transit, which says
    // nothing about how the client paced them. What the client controls is the spacing it
    // sends with, so N requests at 20 a second cannot all be sent in less than (N - 1) / 20 s;
    // a slow machine only makes that longer.
    const server = await start({ latencyMs: 5, latencyJitterMs: 5 });
    const client = clientFor(server, V3_KEY, { rate: 20 });
    const started = performance.now();
    await Promise.all(catalog.map((f) => client.movieDetails(f.id)));
    const elapsedMs = performance.now() - started;
    expect(elapsedMs).toBeGreaterThanOrEqual(((catalog.length - 1) * 1000) / 20);
    expect(client.stats.apiCalls).toBe(catalog.length);
  });

  it('sets aside an unreadable film on a discover page and keeps the others', async () => {
    const broken = { ...film(999, { popularity: 1000 }), title: null as unknown as string };
    mock = await startMockTmdb({ catalog: [...catalog.slice(0, 19), broken], apiKeys: [V3_KEY] });
    const page = await clientFor(mock, V3_KEY).discoverMovies({
      year: 2012,
      withGenres: [27],
      minVotes: 10,
      page: 1,
    });
    expect(page.results).toHaveLength(19);
    expect(page.invalid).toEqual([
      { id: 999, reason: expect.stringMatching(/^unreadable discover entry: title/) },
    ]);
  });

  it('rejects a malformed answer that never gets better', async () => {
    const server = await start({ inject: failFirst(100, 'truncated') });
    const client = clientFor(server, V3_KEY, { maxAttempts: 2 });
    await expect(client.movieDetails(100)).rejects.toThrow(/malformed JSON/);
  });
});

describe('TMDB client secrecy', () => {
  it.each([
    ['v3 key', V3_KEY],
    ['v4 token', V4_TOKEN],
  ])('never writes the %s into a log line or an error, whatever goes wrong', async (_, key) => {
    // Every request fails once, each with the next kind of fault, before it is answered.
    const kinds: FaultKind[] = ['500', 'reset', 'truncated', 'stall', '502', '503'];
    const seen = new Set<string>();
    const server = await start({
      notFoundIds: [101],
      faults: { rate: 0, stallMs: 60_000 },
      rateLimit: 10,
      inject: ({ target }) => {
        if (seen.has(target)) return undefined;
        seen.add(target);
        return kinds[seen.size % kinds.length];
      },
    });
    const capture = captureLogger();
    const options = {
      baseUrl: server.url,
      rateLimiter: new TokenBucketRateLimiter({ ratePerSecond: 100, headroom: 0 }),
      logger: capture.logger,
      maxAttempts: 6,
      backoffBaseMs: 5,
      timeoutMs: 500,
      hedge: { minMs: 100, maxMs: 100 },
    };
    const client = createTmdbClient({ ...options, apiKey: key });
    const outcomes = await Promise.allSettled([
      client.genres(),
      ...catalog.slice(0, 20).map((f) => client.movieDetails(f.id)),
      client.discoverMovies({ year: 2012, withGenres: [27], minVotes: 10, page: 1 }),
    ]);
    const wrong = createTmdbClient({ ...options, apiKey: `${key}x` });
    outcomes.push(...(await Promise.allSettled([wrong.genres()])));

    const errors = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(errors.some((e) => e.reason instanceof TmdbAuthError)).toBe(true);
    expect(errors.some((e) => e.reason instanceof TmdbNotFoundError)).toBe(true);
    expect(capture.text()).toContain('TMDB request retried');
    expect(capture.text()).not.toContain(key);
    for (const { reason } of errors) {
      expect(String(reason)).not.toContain(key);
      expect(String(reason.stack)).not.toContain(key);
      expect(JSON.stringify(reason)).not.toContain(key);
    }
  });
});
