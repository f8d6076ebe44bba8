import { describe, expect, it } from 'vitest';
import { TmdbNotFoundError, TmdbRequestError } from '../../src/tmdb/errors.js';
import { backoffDelay, type RetryOptions, withRetries } from '../../src/tmdb/retry.js';
import type { Outcome } from '../../src/tmdb/transport.js';

function options(overrides: Partial<RetryOptions> = {}) {
  const events = { retries: [] as Array<{ attempt: number; reason: string; delayMs: number }> };
  const retryAfter: number[] = [];
  const gaveUp: string[] = [];
  const settings: RetryOptions = {
    path: '/movie/1',
    signal: new AbortController().signal,
    maxAttempts: 3,
    backoff: { baseMs: 1, maxMs: 4 },
    random: () => 0.5,
    onRetry: (retry) => events.retries.push(retry),
    onRetryAfter: (ms) => retryAfter.push(ms),
    onGiveUp: (reason) => gaveUp.push(reason),
    ...overrides,
  };
  return { settings, retries: events.retries, retryAfter, gaveUp };
}

/** Answers with the outcomes in turn and records the attempt numbers it was called with. */
function script<T>(...outcomes: Outcome<T>[]) {
  const attempts: number[] = [];
  return {
    attempts,
    attempt: async (attemptNo: number) => {
      attempts.push(attemptNo);
      return outcomes.shift()!;
    },
  };
}

describe('backoffDelay', () => {
  it('doubles the cap per attempt up to the maximum, and jitters within its upper half', () => {
    const backoff = { baseMs: 200, maxMs: 1_000 };
    expect(backoffDelay(1, backoff, () => 0)).toBe(100);
    expect(backoffDelay(1, backoff, () => 1)).toBe(200);
    expect(backoffDelay(2, backoff, () => 0)).toBe(200);
    expect(backoffDelay(3, backoff, () => 1)).toBe(800);
    expect(backoffDelay(5, backoff, () => 1)).toBe(1_000);
  });
});

describe('withRetries', () => {
  it('retries until an answer comes, numbering the attempts', async () => {
    const run = script<string>(
      { kind: 'retry', reason: 'HTTP 503' },
      { kind: 'ok', value: 'film', latencyMs: 1 },
    );
    const { settings, retries } = options();
    expect(await withRetries(run.attempt, settings)).toBe('film');
    expect(run.attempts).toEqual([1, 2]);
    expect(retries).toEqual([{ attempt: 1, reason: 'HTTP 503', delayMs: 0.75 }]);
  });

  it('throws a final failure as it is, without another attempt', async () => {
    const error = new TmdbNotFoundError('/movie/1');
    const run = script<string>({ kind: 'fail', error });
    await expect(withRetries(run.attempt, options().settings)).rejects.toBe(error);
    expect(run.attempts).toEqual([1]);
  });

  it('gives up after the bounded attempts with the last reason', async () => {
    const run = script<string>(
      { kind: 'retry', reason: 'HTTP 500' },
      { kind: 'retry', reason: 'HTTP 502' },
      { kind: 'retry', reason: 'HTTP 503' },
    );
    const { settings, retries, gaveUp } = options();
    const error = await withRetries(run.attempt, settings).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TmdbRequestError);
    expect(error).toMatchObject({ path: '/movie/1', attempts: 3, reason: 'HTTP 503' });
    expect(retries).toHaveLength(2);
    expect(gaveUp).toEqual(['HTTP 503']);
  });

  it("waits what a 429's Retry-After asked for, plus jitter, and reports it", async () => {
    const run = script<string>(
      { kind: 'retry', reason: 'HTTP 429', retryAfterMs: 20, rateLimited: true },
      { kind: 'ok', value: 'film', latencyMs: 1 },
    );
    const { settings, retries, retryAfter } = options({ backoff: { baseMs: 10, maxMs: 40 } });
    expect(await withRetries(run.attempt, settings)).toBe('film');
    expect(retryAfter).toEqual([20]);
    expect(retries[0].delayMs).toBe(25);
  });

  it("stops with the signal's reason once it aborts", async () => {
    const stop = new AbortController();
    const reason = new Error('stopped');
    const run = {
      attempt: async (): Promise<Outcome<string>> => {
        stop.abort(reason);
        return { kind: 'retry', reason: 'HTTP 503' };
      },
    };
    await expect(withRetries(run.attempt, options({ signal: stop.signal }).settings)).rejects.toBe(reason);
  });
});
