import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { checkRedis, RedisUnavailableError } from '../../src/jobs/redis.js';
import { acquireJobLock } from '../../src/jobs/redis-lock.js';
import { RedisRateLimiter } from '../../src/jobs/redis-rate-limiter.js';
import { describeWithRedis } from '../helpers/redis.js';

it('reports an unreachable Redis in one line with exit code 2', async () => {
  const error = await checkRedis('redis://:hunter22@127.0.0.1:1/0', 1000).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RedisUnavailableError);
  expect((error as RedisUnavailableError).exitCode).toBe(2);
  expect((error as Error).message).toMatch(
    /^Cannot reach Redis at redis:\/\/127\.0\.0\.1:1\/0 \(REDIS_URL\): .*ECONNREFUSED/,
  );
  expect((error as Error).message).not.toContain('hunter22');
  expect((error as Error).message).not.toContain('\n');
});

describeWithRedis('Redis token bucket', (redis) => {
  it('keeps several processes together under the rate', async () => {
    // Two clients stand for two workers: they share nothing but the key.
    const clients = [new Redis(redis().url), new Redis(redis().url)];
    const key = `${redis().prefix}:tmdb:rate`;
    const limiters = clients.map((client) => new RedisRateLimiter({ redis: client, key, ratePerSecond: 20 }));
    let sent = 0;
    const started = performance.now();
    await Promise.all(
      limiters.flatMap((limiter) =>
        Array.from({ length: 30 }, async () => {
          await limiter.acquire();
          sent += 1;
        }),
      ),
    );
    const elapsedMs = performance.now() - started;
    await Promise.all(clients.map((client) => client.quit()));
    expect(sent).toBe(60);
    // Redis admits at most 20 in any window of a second (and a little more), on its own clock: 60
    // admissions span at least two full windows, however late the answers reach this process.
    // Stamping the answers here instead would count a busy event loop's bunching as a breach.
    expect(elapsedMs).toBeGreaterThanOrEqual(2000);
  });

  it('gives up waiting when the signal aborts', async () => {
    const client = new Redis(redis().url);
    const limiter = new RedisRateLimiter({
      redis: client,
      key: `${redis().prefix}:tmdb:abort`,
      ratePerSecond: 1,
    });
    await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort(new Error('run stopped'));
    await expect(waiting).rejects.toThrow('run stopped');
    await client.quit();
  });
});

describeWithRedis('Redis job lock', (redis) => {
  it('admits one job of a kind, lets a resumed attempt of that job take over, and releases', async () => {
    const { client, prefix } = redis();
    const key = `${prefix}:lock:ingest`;
    const first = await acquireJobLock({ redis: client, key, jobId: 'ingest-a', token: 't1', ttlMs: 5000 });
    expect(first.acquired).toBe(true);
    const other = await acquireJobLock({ redis: client, key, jobId: 'ingest-b', token: 't2', ttlMs: 5000 });
    expect(other).toEqual({ acquired: false, heldByJobId: 'ingest-a' });

    // BullMQ declared the first attempt stalled and handed the job to another worker.
    const resumed = await acquireJobLock({ redis: client, key, jobId: 'ingest-a', token: 't3', ttlMs: 300 });
    expect(resumed.acquired).toBe(true);
    if (!first.acquired || !resumed.acquired) return;
    // The first holder notices at its next renewal and must stop.
    await new Promise((resolve) => first.lock.lost.addEventListener('abort', resolve, { once: true }));
    expect(first.lock.lost.aborted).toBe(true);
    await first.lock.release();
    expect(await client.get(key)).toBe('ingest-a|t3');

    await resumed.lock.release();
    expect(await client.get(key)).toBeNull();
    const next = await acquireJobLock({ redis: client, key, jobId: 'ingest-b', token: 't4', ttlMs: 5000 });
    expect(next.acquired).toBe(true);
    if (next.acquired) await next.lock.release();
    expect(resumed.lock.lost.aborted).toBe(false);
  });
});
