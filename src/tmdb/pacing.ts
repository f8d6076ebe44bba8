import { setTimeout as delay } from 'node:timers/promises';
import { type RateLimiter, Semaphore } from './rate-limiter.js';

/**
 * Queue order for a free connection. A retry or hedge has waited already; a listing unlocks more
 * work (a discover page brings 20 films); details are the bulk and can wait behind both.
 */
export const REQUEST_PRIORITY = { details: 0, listing: 1, again: 2 } as const;

/** Two 429s closer than this are not jitter. */
const REPEATED_429_MS = 3_000;

/**
 * The answer to 429s. A lone 429 is jitter between our clock and the server's at the edge of a
 * one-second window: the bucket keeps the others under the rate, so only that request waits. A
 * second one soon after means we really are too fast, and then every request waits.
 */
export class RateLimitCooldown {
  private pausedUntil = 0;
  private last429At = Number.NEGATIVE_INFINITY;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Notes a 429 whose Retry-After asked for `retryAfterMs`. */
  rateLimited(retryAfterMs: number): void {
    const now = this.now();
    if (now - this.last429At < REPEATED_429_MS) {
      this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
    }
    this.last429At = now;
  }

  /** Milliseconds every request still has to hold back; 0 or less when none. */
  remainingMs(): number {
    return this.pausedUntil - this.now();
  }
}

export interface RequestGateOptions {
  /** Open requests at most. */
  concurrency: number;
  rateLimiter: RateLimiter;
  cooldown: RateLimitCooldown;
}

/**
 * Everything a request waits for before it goes on the wire, in this order: a free connection
 * (by priority), the end of a 429 cool-down, and a token of the rate limiter. The connection is
 * held until the request's answer is in.
 */
export class RequestGate {
  private readonly connections: Semaphore;

  constructor(private readonly options: RequestGateOptions) {
    this.connections = new Semaphore(options.concurrency);
  }

  async run<T>(signal: AbortSignal, priority: number, send: () => Promise<T>): Promise<T> {
    const release = await this.connections.acquire(signal, priority);
    try {
      await abortableDelay(this.options.cooldown.remainingMs(), signal);
      await this.options.rateLimiter.acquire(signal);
      return await send();
    } finally {
      release();
    }
  }
}

/**
 * Waits `ms`, rounded up to whole milliseconds so a wait never ends early (none when 0 or less).
 * An abort rejects with the signal's own reason, as the rate limiter and the semaphore do.
 */
export async function abortableDelay(ms: number, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  if (ms <= 0) return;
  await delay(Math.ceil(ms), undefined, { signal }).catch(() => {
    throw signal?.reason;
  });
}
