import type { Redis } from 'ioredis';
import type { RateLimiter } from '../tmdb/rate-limiter.js';

/**
 * Reserves the next free slot of one shared schedule (GCRA, the "virtual scheduling" form of a
 * token bucket) and answers how long the caller must wait for it, in microseconds. Redis' own
 * clock is the only clock, so workers on different hosts cannot disagree about time.
 *
 * KEYS[1] theoretical arrival time of the next request (µs)
 * ARGV[1] µs between two requests
 * ARGV[2] burst allowance: µs a reservation may lie ahead of now and still go at once
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

export interface RedisRateLimiterOptions {
  redis: Redis;
  /** The schedule every worker shares, e.g. `horrorcast:tmdb:rate`. */
  key: string;
  /** Requests per second for all processes together (TMDB_RATE_LIMIT). */
  ratePerSecond: number;
  /**
   * Requests that may go out back to back after a quiet spell. 1 (the default) spaces every
   * request evenly, the only setting that keeps each one-second window under the rate.
   */
  capacity?: number;
  /**
   * Share of the rate held back, 5% by default: a reservation is made on Redis' clock but the
   * request leaves when this process' timer fires, and between processes those delays differ by
   * more than within one (the in-memory bucket keeps 2%). The margin keeps that jitter from
   * squeezing one request too many into one of the server's one-second windows.
   */
  headroom?: number;
}

type ReservingRedis = Redis & {
  horrorcastReserveSlot(key: string, interval: number, burst: number): Promise<number>;
};

/**
 * The TMDB token bucket of the scaled shape: one schedule in Redis, so any number of workers
 * together stay under TMDB_RATE_LIMIT. Each acquire is one atomic script call and one sleep;
 * nobody polls.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly redis: ReservingRedis;
  private readonly key: string;
  private readonly intervalMicros: number;
  private readonly burstMicros: number;

  constructor(options: RedisRateLimiterOptions) {
    if (!(options.ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
    const headroom = options.headroom ?? 0.05;
    const capacity = Math.max(1, Math.floor(options.capacity ?? 1));
    this.intervalMicros = Math.ceil(1_000_000 / (options.ratePerSecond * (1 - headroom)));
    this.burstMicros = (capacity - 1) * this.intervalMicros;
    this.key = options.key;
    if (!('horrorcastReserveSlot' in options.redis)) {
      options.redis.defineCommand('horrorcastReserveSlot', { numberOfKeys: 1, lua: RESERVE_SCRIPT });
    }
    this.redis = options.redis as ReservingRedis;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const waitMicros = await this.redis.horrorcastReserveSlot(
      this.key,
      this.intervalMicros,
      this.burstMicros,
    );
    // An abort after the reservation wastes that slot: the schedule only ever errs on the slow side.
    if (waitMicros > 0) await sleep(waitMicros / 1000, signal);
    signal?.throwIfAborted();
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.ceil(ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
