import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { IngestRunFailedError, runIngest } from '../../src/ingest/index.js';
import { RedisRateLimiter } from '../../src/jobs/redis-rate-limiter.js';
import { type MockTmdb, startMockTmdb } from '../../src/tmdb/mock/index.js';
import { type RateLimiter, RateLimiterUnavailableError } from '../../src/tmdb/rate-limiter.js';
import { emptyCollectionTables } from '../helpers/database-state.js';
import { describeEachDialect } from '../helpers/databases.js';
import { describeWithRedis } from '../helpers/redis.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { KEY, quietLogger, smallCatalog, tmdbFor, YEARS } from '../ingest/helpers.js';

describeWithRedis('the shared rate limiter when Redis goes away', (redis) => {
  let proxy: TcpProxy;
  let client: Redis;
  beforeEach(async () => {
    const server = new URL(redis().url);
    proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 6379) });
    // As the worker's client: ioredis reconnects, and gives up on a command after a few tries.
    client = new Redis(proxy.via(redis().url), { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    client.on('error', () => {});
  });
  afterEach(async () => {
    client.disconnect();
    await proxy.close();
  });

  const limiter = (outageTimeoutMs: number) =>
    new RedisRateLimiter({
      redis: client,
      key: `${redis().prefix}:tmdb:rate`,
      ratePerSecond: 50,
      location: `redis://127.0.0.1:${proxy.port}`,
      outageTimeoutMs,
    });

  it('waits out a short outage: the request goes out once Redis is back', async () => {
    const bucket = limiter(30_000);
    await bucket.acquire();
    await proxy.cut();
    let admitted = false;
    const waiting = bucket.acquire().then(() => {
      admitted = true;
    });
    // The cut outlasts ioredis' own retries for the command: only the limiter's waiting saves it.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(admitted).toBe(false);
    await proxy.restore();
    await waiting;
    expect(admitted).toBe(true);
  });

  it('gives up after the outage timeout with one line naming Redis', async () => {
    const bucket = limiter(1000);
    await proxy.cut();
    const error = await bucket.acquire().catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(RateLimiterUnavailableError);
    expect((error as Error).message).toMatch(
      new RegExp(`^Cannot reach Redis at redis://127\\.0\\.0\\.1:${proxy.port} \\(REDIS_URL\\)`),
    );
    expect((error as Error).message).not.toContain('\n');
  });
});

let mock: MockTmdb;
beforeAll(async () => {
  mock = await startMockTmdb({ catalog: smallCatalog(13), apiKeys: [KEY] });
});
afterAll(async () => {
  await mock.close();
});

describeEachDialect(
  'a collection whose shared rate limiter is lost for good',
  (database) => {
    it('fails the run naming Redis, and records no film failure', async () => {
      await emptyCollectionTables(database().handle);
      let granted = 0;
      const lost: RateLimiter = {
        async acquire() {
          granted += 1;
          if (granted > 10)
            throw new RateLimiterUnavailableError('Cannot reach Redis at redis://127.0.0.1:1 (REDIS_URL)');
        },
      };
      const error = await runIngest(
        { stores: database().stores, tmdb: tmdbFor(mock, { rateLimiter: lost }), logger: quietLogger() },
        { ...YEARS, maxPagesPerYear: 20, minVotes: 10 },
      ).catch((failure: unknown) => failure);
      expect(error).toBeInstanceOf(IngestRunFailedError);
      const { summary } = error as IngestRunFailedError;
      expect(summary).toMatchObject({
        status: 'failed',
        failureCount: 0,
        error: expect.stringMatching(/^Cannot reach Redis/),
      });
      expect(await database().stores.collectionRuns.find(summary.runId)).toMatchObject({
        status: 'failed',
        failure_count: 0,
      });
    });
  },
  { dialects: ['sqlite'] },
);
