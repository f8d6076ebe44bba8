/**
 * Gate in front of every TMDB request. The in-memory bucket below serves one process; the scaled
 * shape shares one budget across workers through another implementation of the same interface.
 */
export interface RateLimiter {
  /** Resolves when one request may go out; rejects with the signal's reason if it aborts first. */
  acquire(signal?: AbortSignal): Promise<void>;
}

export interface TokenBucketOptions {
  /** Requests per second (TMDB_RATE_LIMIT). */
  ratePerSecond: number;
  /**
   * Requests that may go back to back after a quiet spell. 1 (the default) spaces requests evenly,
   * the only setting that keeps every one-second window at or under the rate.
   */
  capacity?: number;
  /**
   * Share of the rate held back, 2% by default: our clock and the server's disagree by the time a
   * request spends in the event loop and on the wire, and that jitter must not push one of the
   * server's one-second windows over its limit (a 429 costs a whole Retry-After).
   */
  headroom?: number;
  now?: () => number;
}

/**
 * A token bucket in its "virtual scheduling" form (GCRA): each caller reserves the next free slot
 * on a timeline spaced 1/rate apart and sleeps until it. Slots are fixed when reserved, so a timer
 * that fires a little late does not push every later request back: the long-run rate stays exact,
 * and the headroom keeps the short-run spacing safe.
 */
export class TokenBucketRateLimiter implements RateLimiter {
  private readonly intervalMs: number;
  private readonly burstMs: number;
  private readonly now: () => number;
  /** When the next slot falls due (theoretical arrival time). */
  private nextSlot: number;

  constructor(options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
    const capacity = Math.max(1, Math.floor(options.capacity ?? 1));
    this.intervalMs = 1000 / (options.ratePerSecond * (1 - (options.headroom ?? 0.02)));
    this.burstMs = (capacity - 1) * this.intervalMs;
    this.now = options.now ?? (() => performance.now());
    this.nextSlot = this.now();
  }

  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const now = this.now();
    const slot = Math.max(this.nextSlot, now);
    this.nextSlot = slot + this.intervalMs;
    const wait = slot - this.burstMs - now;
    if (wait <= 0) return Promise.resolve();
    // An abort gives up the reserved slot: the schedule only ever errs on the slow side.
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, wait);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** Caps how many requests are open at once (TMDB allows 20 connections per address). */
export class Semaphore {
  private available: number;
  private readonly queue: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError('limit must be at least 1');
    this.available = limit;
  }

  /** Resolves with a release function once a slot is free. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.available > 0) {
      this.available -= 1;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(this.releaser());
      };
      const onAbort = () => {
        const index = this.queue.indexOf(grant);
        if (index >= 0) this.queue.splice(index, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(grant);
    });
  }

  get inUse(): number {
    return this.limit - this.available;
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      if (next) next();
      else this.available += 1;
    };
  }
}
