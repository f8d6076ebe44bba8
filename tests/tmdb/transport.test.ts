import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TmdbAuthError, TmdbNotFoundError, TmdbRequestError } from '../../src/tmdb/errors.js';
import { createTransport, parseRetryAfter, scrubSecret } from '../../src/tmdb/transport.js';

const V3_KEY = 'c0ffee0123456789abcdef0123456789';
const V4_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJob3Jyb3JjYXN0In0.c2lnbmF0dXJl';
const schema = z.object({ id: z.number() });

interface Sent {
  url: string;
  headers: Headers;
}

/** A fetch that records the request and answers with `answer`. */
function fakeFetch(answer: () => Response | Promise<Response>): { fetch: typeof fetch; sent: Sent[] } {
  const sent: Sent[] = [];
  return {
    sent,
    fetch: async (input, init) => {
      sent.push({ url: String(input), headers: new Headers(init?.headers) });
      return answer();
    },
  };
}

function transportWith(fetchImpl: typeof fetch, apiKey = V3_KEY, timeoutMs = 1_000) {
  return createTransport({
    baseUrl: 'http://tmdb.test/3/',
    apiKey,
    fetch: fetchImpl,
    timeoutMs,
    maxRetryAfterMs: 60_000,
  });
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers });
const tmdbError = (status: number, message: string, headers: Record<string, string> = {}) =>
  json(status, { status_code: 7, status_message: message }, headers);

async function sendOnce(answer: () => Response | Promise<Response>, apiKey = V3_KEY) {
  const wire = fakeFetch(answer);
  const transport = transportWith(wire.fetch, apiKey);
  const outcome = await transport.send(transport.call('/movie/1', {}, schema), new AbortController().signal);
  return { outcome, sent: wire.sent };
}

describe('TMDB transport: the request', () => {
  it('puts a v3 key and the parameters into the query string, without an Authorization header', async () => {
    const wire = fakeFetch(() => json(200, { id: 1 }));
    const transport = transportWith(wire.fetch);
    const call = transport.call('/discover/movie', { page: 2, with_genres: '27' }, schema);
    expect(call.path).toBe('/discover/movie');
    await transport.send(call, new AbortController().signal);
    const url = new URL(wire.sent[0].url);
    expect(url.pathname).toBe('/3/discover/movie');
    expect(Object.fromEntries(url.searchParams)).toEqual({ page: '2', with_genres: '27', api_key: V3_KEY });
    expect(wire.sent[0].headers.get('authorization')).toBeNull();
    expect(wire.sent[0].headers.get('accept')).toBe('application/json');
  });

  it('sends a v4 token as a Bearer header and leaves it out of the URL', async () => {
    const { sent } = await sendOnce(() => json(200, { id: 1 }), V4_TOKEN);
    expect(new URL(sent[0].url).searchParams.has('api_key')).toBe(false);
    expect(sent[0].headers.get('authorization')).toBe(`Bearer ${V4_TOKEN}`);
  });

  it('turns a request the timeout cut off into a retry', async () => {
    const silent: typeof fetch = (_, init) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(new Error('x'))),
      );
    const transport = transportWith(silent, V3_KEY, 10);
    const outcome = await transport.send(
      transport.call('/movie/1', {}, schema),
      new AbortController().signal,
    );
    expect(outcome).toEqual({ kind: 'retry', reason: 'no answer within 10 ms' });
  });

  it("rejects with the caller's reason when the caller aborts", async () => {
    const stop = new AbortController();
    const reason = new Error('run stopped');
    const transport = transportWith(async () => {
      stop.abort(reason);
      throw new Error('aborted');
    });
    await expect(transport.send(transport.call('/movie/1', {}, schema), stop.signal)).rejects.toBe(reason);
  });

  it('names the socket failure behind undici\'s "fetch failed" and removes the key from it', async () => {
    const cause = Object.assign(new Error(`connect refused for ?api_key=${V3_KEY}`), {
      code: 'ECONNREFUSED',
    });
    const { outcome } = await sendOnce(() => Promise.reject(new TypeError('fetch failed', { cause })));
    expect(outcome).toEqual({
      kind: 'retry',
      reason: 'connect refused for ?api_key=[redacted] (ECONNREFUSED)',
    });
  });
});

describe('TMDB transport: the answer', () => {
  it('returns a valid body with its latency', async () => {
    const { outcome } = await sendOnce(() => json(200, { id: 1, extra: true }));
    expect(outcome).toMatchObject({ kind: 'ok', value: { id: 1 } });
    expect(outcome.kind === 'ok' && outcome.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('retries a malformed body and one that does not match the schema, naming the field', async () => {
    const truncated = await sendOnce(() => new Response('{"id":', { status: 200 }));
    expect(truncated.outcome).toEqual({ kind: 'retry', reason: 'malformed JSON body (6 bytes)' });
    const wrong = await sendOnce(() => json(200, { id: 'one' }));
    expect(wrong.outcome).toMatchObject({
      kind: 'retry',
      reason: expect.stringMatching(/^unexpected answer: id /),
    });
  });

  it('fails at once on 401 with the server message, scrubbed of the key', async () => {
    const { outcome } = await sendOnce(() => tmdbError(401, `Invalid API key ${V3_KEY}`));
    expect(outcome.kind).toBe('fail');
    const error = outcome.kind === 'fail' ? outcome.error : undefined;
    expect(error).toBeInstanceOf(TmdbAuthError);
    expect(error?.message).toContain('Invalid API key [redacted]');
    expect(error?.message).not.toContain(V3_KEY);
  });

  it('fails at once on 404 and on another 4xx', async () => {
    const missing = await sendOnce(() => tmdbError(404, 'not found'));
    expect(missing.outcome.kind === 'fail' && missing.outcome.error).toBeInstanceOf(TmdbNotFoundError);
    const bad = await sendOnce(() => tmdbError(400, 'Invalid page'));
    const error = bad.outcome.kind === 'fail' ? bad.outcome.error : undefined;
    expect(error).toBeInstanceOf(TmdbRequestError);
    expect(error).toMatchObject({ path: '/movie/1', attempts: 1, reason: 'HTTP 400: Invalid page' });
  });

  it('retries 5xx and 408, and a 429 marked as rate limited with its Retry-After', async () => {
    for (const status of [500, 502, 503, 408]) {
      expect((await sendOnce(() => tmdbError(status, 'oops'))).outcome).toEqual({
        kind: 'retry',
        reason: `HTTP ${status}: oops`,
      });
    }
    const limited = await sendOnce(() => tmdbError(429, 'slow down', { 'retry-after': '2' }));
    expect(limited.outcome).toEqual({
      kind: 'retry',
      reason: 'HTTP 429: slow down',
      retryAfterMs: 2_000,
      rateLimited: true,
    });
  });
});

describe('parseRetryAfter and scrubSecret', () => {
  it('reads seconds and HTTP dates, clipped to [0, max], and ignores anything else', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('3', 60_000, now)).toBe(3_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', 60_000, now)).toBe(5_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', 60_000, now)).toBe(0);
    expect(parseRetryAfter('3600', 60_000, now)).toBe(60_000);
    expect(parseRetryAfter('soon', 60_000, now)).toBeUndefined();
    expect(parseRetryAfter(null, 60_000, now)).toBeUndefined();
  });

  it('replaces every occurrence of the secret', () => {
    expect(scrubSecret('k=abc and abc', 'abc')).toBe('k=[redacted] and [redacted]');
  });
});
