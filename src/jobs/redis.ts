import { Redis, type RedisOptions } from 'ioredis';
import { describeDriverError } from '../persistence/index.js';
import { redisLocation } from './redis-url.js';

/** Redis is part of the environment: like an unreachable database, it stops a command with exit code 2. */
export class RedisUnavailableError extends Error {
  readonly exitCode = 2;

  constructor(location: string, reason: string) {
    super(`Cannot reach Redis at ${location} (REDIS_URL): ${reason}`);
    this.name = 'RedisUnavailableError';
  }
}

/**
 * Connects once and sends PING, giving up after `timeoutMs`. ioredis would otherwise queue
 * commands and reconnect forever, so a wrong REDIS_URL would look like a worker with nothing to do.
 */
export async function checkRedis(url: string, timeoutMs = 3000): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // connect() only says "Connection is closed"; the cause (ECONNREFUSED, ENOTFOUND…) comes as an event.
  let cause: unknown;
  client.on('error', (error) => {
    cause ??= error;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new RedisUnavailableError(redisLocation(url), describeDriverError(cause ?? error));
  } finally {
    client.disconnect();
  }
}

/** A client for our own commands (token bucket, locks); BullMQ opens its connections itself. */
export function openRedis(url: string, name: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { connectionName: name, ...options });
}
