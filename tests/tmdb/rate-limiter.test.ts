import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Semaphore, TokenBucketRateLimiter } from '../../src/tmdb/rate-limiter.js';

describe('TokenBucketRateLimiter', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('spaces requests evenly at the rate, after one immediate token', async () => {
    const limiter = new TokenBucketRateLimiter({ ratePerSecond: 5, headroom: 0, now: () => Date.now() });
    const start = Date.now();
    const granted: number[] = [];
    const all = Array.from({ length: 6 }, () =>
      limiter.acquire().then(() => granted.push(Date.now() - start)),
    );
    await vi.advanceTimersByTimeAsync(2000);
    await Promise.all(all);
    expect(granted).toEqual([0, 200, 400, 600, 800, 1000]);
  });

  it('never lets more than the rate through in any one-second window, headroom included', async () => {
    const limiter = new TokenBucketRateLimiter({ ratePerSecond: 40, now: () => Date.now() });
    const granted: number[] = [];
    const all = Array.from({ length: 200 }, () => limiter.acquire().then(() => granted.push(Date.now())));
    await vi.advanceTimersByTimeAsync(10_000);
    await Promise.all(all);
    for (let i = 40; i < granted.length; i += 1)
      expect(granted[i] - granted[i - 40]).toBeGreaterThanOrEqual(1000);
  });

  it('rejects a waiter whose signal aborts without holding up the next one', async () => {
    const limiter = new TokenBucketRateLimiter({ ratePerSecond: 10, headroom: 0, now: () => Date.now() });
    await limiter.acquire();
    const controller = new AbortController();
    const cancelled = limiter.acquire(controller.signal);
    const next = limiter.acquire();
    controller.abort(new Error('stop'));
    await expect(cancelled).rejects.toThrow('stop');
    await vi.advanceTimersByTimeAsync(200);
    await expect(next).resolves.toBeUndefined();
  });

  it('keeps to its schedule when a timer fires late instead of pushing every later slot back', async () => {
    // `late` makes the limiter's clock run ahead of the fake timers, as when a timer fires late.
    let late = 0;
    const limiter = new TokenBucketRateLimiter({
      ratePerSecond: 10,
      headroom: 0,
      now: () => Date.now() + late,
    });
    await limiter.acquire();
    const second = limiter.acquire();
    // The second slot was due at 100 ms; its timer fires at 130 ms.
    late = 30;
    await vi.advanceTimersByTimeAsync(100);
    await second;
    let thirdIn = false;
    const third = limiter.acquire().then(() => {
      thirdIn = true;
    });
    await vi.advanceTimersByTimeAsync(69);
    expect(thirdIn).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await third;
    expect(thirdIn).toBe(true);
  });

  it('holds back a request that would make a one-second window hold more than the rate', async () => {
    let late = 0;
    const start = Date.now();
    const clock = () => Date.now() - start + late;
    const limiter = new TokenBucketRateLimiter({ ratePerSecond: 2, headroom: 0, now: clock });
    const granted: number[] = [];
    const all = Array.from({ length: 4 }, () => limiter.acquire().then(() => granted.push(clock())));
    await vi.advanceTimersByTimeAsync(0);
    // The second request's timer (due at 500) fires at 800; the third, due at 1000, keeps half an
    // interval from it and goes at 1050.
    late = 300;
    await vi.advanceTimersByTimeAsync(750);
    expect(granted).toEqual([0, 800, 1050]);
    // On the schedule the fourth is due at 1500, but 800, 1050 and 1500 would be three within a
    // second at a rate of two: it waits until the one at 800 is a second old.
    await vi.advanceTimersByTimeAsync(749);
    expect(granted).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all(all);
    expect(granted).toEqual([0, 800, 1050, 1800]);
  });
});

describe('Semaphore', () => {
  it('holds the third caller until one of the first two releases', async () => {
    const semaphore = new Semaphore(2);
    const first = await semaphore.acquire();
    await semaphore.acquire();
    let thirdIn = false;
    const third = semaphore.acquire().then((release) => {
      thirdIn = true;
      return release;
    });
    await Promise.resolve();
    expect(thirdIn).toBe(false);
    expect(semaphore.inUse).toBe(2);
    first();
    first();
    (await third)();
    expect(thirdIn).toBe(true);
    expect(semaphore.inUse).toBe(1);
  });

  it('serves waiters by priority, then in order of arrival', async () => {
    const semaphore = new Semaphore(1);
    const release = await semaphore.acquire();
    const order: string[] = [];
    const wait = (name: string, priority: number) =>
      semaphore.acquire(undefined, priority).then((done) => {
        order.push(name);
        done();
      });
    const all = [
      wait('detail 1', 0),
      wait('page', 1),
      wait('detail 2', 0),
      wait('retry', 2),
      wait('page 2', 1),
    ];
    release();
    await Promise.all(all);
    expect(order).toEqual(['retry', 'page', 'page 2', 'detail 1', 'detail 2']);
  });
});
