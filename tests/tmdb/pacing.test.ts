import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { abortableDelay, RateLimitCooldown, RequestGate } from '../../src/tmdb/pacing.js';
import type { RateLimiter } from '../../src/tmdb/rate-limiter.js';

describe('RateLimitCooldown', () => {
  it('lets a lone 429 delay only its own request', () => {
    let now = 10_000;
    const cooldown = new RateLimitCooldown(() => now);
    cooldown.rateLimited(1_000);
    expect(cooldown.remainingMs()).toBeLessThanOrEqual(0);
    now += 5_000;
    cooldown.rateLimited(1_000);
    expect(cooldown.remainingMs()).toBeLessThanOrEqual(0);
  });

  it('holds every request back for the Retry-After when a second 429 follows within 3 s', () => {
    let now = 10_000;
    const cooldown = new RateLimitCooldown(() => now);
    cooldown.rateLimited(1_000);
    now += 2_000;
    cooldown.rateLimited(1_500);
    expect(cooldown.remainingMs()).toBe(1_500);
    now += 1_500;
    expect(cooldown.remainingMs()).toBe(0);
  });
});

const openLimiter: RateLimiter = { acquire: async () => {} };

describe('RequestGate', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('serves waiting requests by priority once a connection is free', async () => {
    const gate = new RequestGate({
      concurrency: 1,
      rateLimiter: openLimiter,
      cooldown: new RateLimitCooldown(),
    });
    const signal = new AbortController().signal;
    const order: string[] = [];
    let finishFirst = () => {};
    const first = gate.run(signal, 0, () => new Promise<void>((resolve) => (finishFirst = resolve)));
    const details = gate.run(signal, 0, async () => order.push('details'));
    const retry = gate.run(signal, 2, async () => order.push('retry'));
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual([]);
    finishFirst();
    await Promise.all([first, details, retry]);
    expect(order).toEqual(['retry', 'details']);
  });

  it('takes no token of the rate limiter while a cool-down lasts, and stops on abort', async () => {
    const cooldown = new RateLimitCooldown(() => 0);
    cooldown.rateLimited(10_000);
    cooldown.rateLimited(10_000);
    const tokens: number[] = [];
    const limiter: RateLimiter = { acquire: async () => void tokens.push(1) };
    const gate = new RequestGate({ concurrency: 1, rateLimiter: limiter, cooldown });
    const stop = new AbortController();
    const reason = new Error('stopped');
    const sent = gate.run(stop.signal, 0, async () => 'sent');
    await vi.advanceTimersByTimeAsync(0);
    expect(tokens).toEqual([]);
    stop.abort(reason);
    await expect(sent).rejects.toBe(reason);
    expect(tokens).toEqual([]);
  });

  it('sends once the cool-down is over', async () => {
    vi.useRealTimers();
    const cooldown = new RateLimitCooldown();
    cooldown.rateLimited(20);
    cooldown.rateLimited(20);
    const tokens: string[] = [];
    const limiter: RateLimiter = { acquire: async () => void tokens.push('token') };
    const gate = new RequestGate({ concurrency: 1, rateLimiter: limiter, cooldown });
    expect(await gate.run(new AbortController().signal, 0, async () => 'sent')).toBe('sent');
    expect(tokens).toEqual(['token']);
  });
});

describe('abortableDelay', () => {
  it('returns at once for no wait, and rejects with the reason of a signal that has aborted', async () => {
    await expect(abortableDelay(0)).resolves.toBeUndefined();
    await expect(abortableDelay(-5, new AbortController().signal)).resolves.toBeUndefined();
    const reason = new Error('stopped');
    await expect(abortableDelay(0, AbortSignal.abort(reason))).rejects.toBe(reason);
    const stop = new AbortController();
    const waiting = abortableDelay(60_000, stop.signal);
    stop.abort(reason);
    await expect(waiting).rejects.toBe(reason);
  });
});
