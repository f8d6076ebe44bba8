import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { abortableDelay } from '../tmdb/pacing.js';
import { type RateLimiter, RateLimiterUnavailableError } from '../tmdb/rate-limiter.js';

/**
 * Step 1, on request: reserve the next slot of one shared schedule (GCRA, the "virtual
 * scheduling" form of a token bucket) and answer how long to wait for it, in microseconds.
 *
 * KEYS[1] theoretical arrival time of the next request (µs)
 * ARGV[1] µs between two requests · ARGV[2] µs a slot may lie ahead of now and still go at once
 */
const RESERVE_SCRIPT = `
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local wait = tat - now - burst
if wait < 0 then wait = 0 end
local nextTat = tat + interval
redis.call('SET', KEYS[1], string.format('%.0f', nextTat), 'PX', math.ceil((nextTat - now) / 1000) + 1000)
return math.floor(wait)
`;

/**
 * Step 2, when the slot is due: admit the request only if fewer than `limit` were admitted within
 * the window, and log it; otherwise answer how long until the oldest leaves the window (µs). A
 * worker whose timer fired late (busy event loop, paused process) would otherwise send its
 * request right next to the next worker's on-time one, and enough of those fill a window.
 *
 * KEYS[1] sorted set of admissions (score: µs) · ARGV[1] limit · ARGV[2] window µs · ARGV[3] member
 */
const ADMIT_SCRIPT = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now - window))
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], string.format('%.0f', now), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000) + 1000)
  return 0
end
local oldest = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
return math.max(1, math.floor(oldest + window - now))
`;

export interface RedisRateLimiterOptions {
  redis: Redis;
  /** Prefix of the two keys every worker shares, e.g. `horrorcast:tmdb:rate`. */
  key: string;
  /** Requests per second for all processes together (TMDB_RATE_LIMIT). */
  ratePerSecond: number;
  /**
   * Requests that may go out back to back after a quiet spell. 1 (the default) spaces every
   * request evenly.
   */
  capacity?: number;
  /**
   * Share held back, 10% by default: requests are spaced as for a 10% lower rate, and `rate` of
   * them fill a window of 1.1 s, not 1 s. An admission is stamped on Redis' clock, but the request
   * still has to travel back to its worker and out through that worker's event loop before the
   * server counts it, and the server's own clock runs on a host as busy as ours. Across processes
   * on a loaded host that jitter reaches tens of milliseconds (the in-memory bucket, whose requests
   * leave the moment they are admitted, holds back 2%); it must not push one of the server's
   * one-second windows over its limit, since a 429 costs a whole Retry-After.
   */
  headroom?: number;
  /** Where Redis is (no credentials), for the one line an outage ends with. */
  location?: string;
  /** How long a lost Redis is waited out before acquire fails (OUTAGE_TIMEOUT_S); 3 minutes by default. */
  outageTimeoutMs?: number;
}

const FIRST_OUTAGE_WAIT_MS = 250;
const LONGEST_OUTAGE_WAIT_MS = 5000;

type LimitingRedis = Redis & {
  horrorcastReserveSlot(key: string, interval: number, burst: number): Promise<number>;
  horrorcastAdmit(key: string, limit: number, window: number, member: string): Promise<number>;
};

/**
 * The TMDB token bucket of the scaled shape, in Redis so that any number of workers together stay
 * under TMDB_RATE_LIMIT. Like the in-memory bucket it spaces requests evenly and also caps every
 * window at the rate; each step is one atomic script, and Redis' clock is the only clock.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly redis: LimitingRedis;
  private readonly scheduleKey: string;
  private readonly admittedKey: string;
  private readonly intervalMicros: number;
  private readonly burstMicros: number;
  private readonly windowMicros: number;
  private readonly perWindow: number;
  private readonly location: string;
  private readonly outageTimeoutMs: number;

  constructor(options: RedisRateLimiterOptions) {
    if (!(options.ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
    const headroom = options.headroom ?? 0.1;
    const capacity = Math.max(1, Math.floor(options.capacity ?? 1));
    this.intervalMicros = Math.ceil((1_000_000 * (1 + headroom)) / options.ratePerSecond);
    this.burstMicros = (capacity - 1) * this.intervalMicros;
    this.windowMicros = Math.ceil(1_000_000 * (1 + headroom));
    this.perWindow = Math.max(1, Math.floor(options.ratePerSecond));
    this.scheduleKey = `${options.key}:schedule`;
    this.admittedKey = `${options.key}:admitted`;
    this.location = options.location ?? 'REDIS_URL';
    this.outageTimeoutMs = options.outageTimeoutMs ?? 180_000;
    const { redis } = options;
    // One client may serve several limiters; ioredis keeps a command per client, defined once.
    if (!('horrorcastReserveSlot' in redis)) {
      redis.defineCommand('horrorcastReserveSlot', { numberOfKeys: 1, lua: RESERVE_SCRIPT });
      redis.defineCommand('horrorcastAdmit', { numberOfKeys: 1, lua: ADMIT_SCRIPT });
    }
    this.redis = redis as LimitingRedis;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    // An abort after the reservation wastes that slot: the schedule only ever errs on the slow side.
    const reserved = await this.throughOutage(
      () => this.redis.horrorcastReserveSlot(this.scheduleKey, this.intervalMicros, this.burstMicros),
      signal,
    );
    await abortableDelay(reserved / 1000, signal);
    const member = randomUUID();
    for (;;) {
      const wait = await this.throughOutage(
        () => this.redis.horrorcastAdmit(this.admittedKey, this.perWindow, this.windowMicros, member),
        signal,
      );
      if (wait === 0) return;
      await abortableDelay(wait / 1000, signal);
    }
  }

  /**
   * A Redis command, repeated while Redis is unreachable (250 ms, doubling to 5 s) for at most the
   * outage timeout: a lost Redis pauses the requests instead of failing films, then ends the run
   * with one line naming where Redis is.
   */
  private async throughOutage<T>(command: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const deadline = Date.now() + this.outageTimeoutMs;
    let waitMs = FIRST_OUTAGE_WAIT_MS;
    for (;;) {
      try {
        return await command();
      } catch (error) {
        signal?.throwIfAborted();
        const left = deadline - Date.now();
        if (left <= 0) {
          const reason = error instanceof Error ? error.message : String(error);
          throw new RateLimiterUnavailableError(
            `Cannot reach Redis at ${this.location} (REDIS_URL) for the shared TMDB rate limit: ${reason} (still failing after ${Math.round(this.outageTimeoutMs / 1000)} s)`,
          );
        }
        await abortableDelay(Math.min(waitMs, left), signal);
        waitMs = Math.min(waitMs * 2, LONGEST_OUTAGE_WAIT_MS);
      }
    }
  }
}
