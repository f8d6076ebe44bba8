import { Redis, type RedisOptions } from 'ioredis';
import { type Config, ConfigError } from '../config/index.js';
import { describeDriverError } from '../persistence/index.js';

/** Redis is part of the environment: like an unreachable database, it stops a command with exit code 2. */
export class RedisUnavailableError extends Error {
  readonly exitCode = 2;

  constructor(location: string, reason: string) {
    super(`Cannot reach Redis at ${location} (REDIS_URL): ${reason}`);
    this.name = 'RedisUnavailableError';
  }
}

/** The scaled shape's commands have no in-process fallback: without REDIS_URL they stop at once. */
export function requireRedisUrl(config: Config, command: string): string {
  if (config.REDIS_URL) return config.REDIS_URL;
  throw new ConfigError(
    'REDIS_URL',
    `\`horrorcast ${command}\` needs redis://HOST:PORT (without Redis, jobs and the timetable run inside \`npm start\`)`,
  );
}

/** Host, port and database of REDIS_URL without credentials: safe to log and show. */
export function redisLocation(url: string): string {
  const parsed = new URL(url);
  const database = parsed.pathname.replace(/^\/+/, '');
  return `${parsed.protocol}//${parsed.hostname}:${parsed.port || 6379}${database ? `/${database}` : ''}`;
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
