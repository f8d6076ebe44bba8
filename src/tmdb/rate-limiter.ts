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
   * Tokens that may accumulate while idle. 1 (the default) spaces requests evenly, which is the
   * only setting that keeps every one-second window at or under the rate; more allows bursts.
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

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export class TokenBucketRateLimiter implements RateLimiter {
  private readonly capacity: number;
  private readonly tokensPerMs: number;
  private readonly now: () => number;
  private tokens: number;
  private refilledAt: number;
  private readonly waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
    this.capacity = Math.max(1, options.capacity ?? 1);
    this.tokensPerMs = (options.ratePerSecond * (1 - (options.headroom ?? 0.02))) / 1000;
    this.now = options.now ?? (() => performance.now());
    this.tokens = this.capacity;
    this.refilledAt = this.now();
  }

  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.refill();
    if (this.waiters.length === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
      this.schedule();
    });
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.refilledAt) * this.tokensPerMs);
    this.refilledAt = now;
  }

  private schedule(): void {
    if (this.timer || this.waiters.length === 0) return;
    const wait = Math.max(0, Math.ceil((1 - this.tokens) / this.tokensPerMs));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.release();
    }, wait);
  }

  private release(): void {
    this.refill();
    while (this.waiters.length > 0 && this.tokens >= 1) {
      const waiter = this.waiters.shift()!;
      if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      this.tokens -= 1;
      waiter.resolve();
    }
    this.schedule();
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
