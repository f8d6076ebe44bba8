import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, it } from 'vitest';

/**
 * Redis-backed suites run against TEST_REDIS_URL (default: the local server), each under a key
 * prefix of its own so that parallel test files and concurrent CI runs cannot collide; every key
 * under the prefix is deleted afterwards. Without CI=true a missing server skips the suite with a
 * line that says why; with CI=true it fails (as tests/helpers/databases.ts does for databases).
 */
export const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function probe(): Promise<string | null> {
  const client = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let cause: Error | undefined;
  client.on('error', (error: Error) => {
    cause ??= error;
  });
  try {
    await client.connect();
    await client.ping();
    return null;
  } catch (error) {
    const where = new URL(redisUrl);
    return `Redis at ${where.hostname}:${where.port || 6379} is not reachable (${(cause ?? (error as Error)).message})`;
  } finally {
    client.disconnect();
  }
}

const unavailable = await probe();

export interface TestRedis {
  url: string;
  /** REDIS_PREFIX for this suite: unique per run. */
  prefix: string;
  /** A plain client for assertions on keys. */
  client: Redis;
  /** Keys under the prefix, e.g. to assert what a suite left behind. */
  keys(pattern?: string): Promise<string[]>;
}

export function uniquePrefix(): string {
  return `hc_test_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

async function deleteKeys(client: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await client.unlink(...keys);
  } while (cursor !== '0');
}

async function scanKeys(client: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found;
}

/** `describe` with a Redis of its own: a fresh prefix before the suite, its keys deleted after it. */
export function describeWithRedis(name: string, suite: (redis: () => TestRedis) => void): void {
  if (unavailable) {
    if (process.env.CI === 'true') {
      describe(`${name} [redis]`, () => {
        it('needs its Redis server (CI=true)', () => {
          throw new Error(unavailable);
        });
      });
    } else {
      console.warn(`Skipping "${name}": ${unavailable}. Start the server or set CI=true to fail instead.`);
      describe.skip(`${name} [redis]`, () =>
        suite(() => {
          throw new Error(unavailable);
        }));
    }
    return;
  }
  let current: TestRedis | undefined;
  describe(`${name} [redis]`, () => {
    beforeAll(async () => {
      const client = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
      const prefix = uniquePrefix();
      current = {
        url: redisUrl,
        prefix,
        client,
        keys: (pattern = '*') => scanKeys(client, `${prefix}:${pattern}`),
      };
    });
    afterAll(async () => {
      if (!current) return;
      await deleteKeys(current.client, `${current.prefix}:*`);
      await current.client.quit();
    });
    suite(() => {
      if (!current) throw new Error('test Redis not set up yet');
      return current;
    });
  });
}
