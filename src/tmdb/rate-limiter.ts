/**
 * Gate in front of every TMDB request. The in-memory bucket below serves one process; the scaled
 * shape shares one budget across workers through another implementation of the same interface.
 */
export interface RateLimiter {
  /** Resolves when one request may go out; rejects with the signal's reason if it aborts first. */
  acquire(signal?: AbortSignal): Promise<void>;
}

/**
 * The shared budget's store stayed unreachable for longer than the outage timeout. Not a film's
 * failure: the whole run stops (and a job is retried later), naming where the store is.
 */
export class RateLimiterUnavailableError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'RateLimiterUnavailableError';
  }
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
   * Share held back, 2% by default: requests are spaced as for a 2% lower rate and `rate` of them
   * fill a window of 1.02 s, not 1 s. A request still spends a few milliseconds in our event loop
   * and on the wire before the server counts it, and that jitter must not push one of the
   * server's one-second windows over its limit (a 429 costs a whole Retry-After).
   */
  headroom?: number;
  now?: () => number;
}

interface Waiter {
  requestedAt: number;
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * A token bucket in its "virtual scheduling" form (GCRA), plus a log of when requests really left.
 * The schedule spaces requests 1/rate apart and, while callers queue, advances by exactly that
 * much per request, so timers that fire late cost nothing in the long run. A late timer does make
 * the next requests leave closer together, though (an event loop busy for 30 ms lets two go at
 * once), so each request also waits until the one `rate` places before it left more than a
 * (headroom-widened) second ago: no one-second window ever holds more than `rate` requests. And
 * without a burst allowance no two requests leave closer than half an interval: after a stall the
 * bucket catches up at twice the rate instead of all at once.
 */
export class TokenBucketRateLimiter implements RateLimiter {
  private readonly intervalMs: number;
  private readonly burstMs: number;
  private readonly windowMs: number;
  private readonly minGapMs: number;
  private readonly now: () => number;
  /** When the next slot falls due on the schedule (theoretical arrival time). */
  private nextSlot = Number.NEGATIVE_INFINITY;
  /** Release times of the last `perWindow` requests, oldest first. */
  private readonly released: number[] = [];
  private readonly perWindow: number;
  private readonly queue: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
    const headroom = options.headroom ?? 0.02;
    const capacity = Math.max(1, Math.floor(options.capacity ?? 1));
    this.intervalMs = (1000 * (1 + headroom)) / options.ratePerSecond;
    this.burstMs = (capacity - 1) * this.intervalMs;
    this.minGapMs = capacity === 1 ? this.intervalMs / 2 : 0;
    this.windowMs = 1000 * (1 + headroom);
    this.perWindow = Math.max(1, Math.floor(options.ratePerSecond));
    this.now = options.now ?? (() => performance.now());
  }

  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { requestedAt: this.now(), resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const index = this.queue.indexOf(waiter);
          if (index >= 0) this.queue.splice(index, 1);
          reject(signal.reason);
          this.pump();
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.queue.push(waiter);
      this.pump();
    });
  }

  private pump(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length > 0) {
      const head = this.queue[0];
      const now = this.now();
      const slot = Math.max(this.nextSlot, head.requestedAt);
      const windowFull = this.released.length >= this.perWindow;
      const lastRelease = this.released[this.released.length - 1] ?? Number.NEGATIVE_INFINITY;
      const due = Math.max(
        slot - this.burstMs,
        windowFull ? this.released[0] + this.windowMs : slot,
        lastRelease + this.minGapMs,
      );
      if (now < due) {
        this.timer = setTimeout(() => this.pump(), Math.ceil(due - now));
        return;
      }
      this.queue.shift();
      this.nextSlot = slot + this.intervalMs;
      this.released.push(now);
      if (this.released.length > this.perWindow) this.released.shift();
      if (head.onAbort) head.signal?.removeEventListener('abort', head.onAbort);
      head.resolve();
    }
  }
}

/**
 * Caps how many requests are open at once (TMDB allows 20 connections per address). Waiters are
 * served by priority, then in order of arrival: a retry or a discover page must not queue behind
 * the hundreds of film details a run has lined up, or the work it unlocks ends up at the tail.
 */
export class Semaphore {
  private available: number;
  private readonly queue: Array<{ priority: number; grant: () => void }> = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError('limit must be at least 1');
    this.available = limit;
  }

  /** Resolves with a release function once a slot is free; a higher `priority` goes first. */
  acquire(signal?: AbortSignal, priority = 0): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.available > 0) {
      this.available -= 1;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const entry = {
        priority,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.releaser());
        },
      };
      const onAbort = () => {
        const index = this.queue.indexOf(entry);
        if (index >= 0) this.queue.splice(index, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const behind = this.queue.findIndex((waiting) => waiting.priority < priority);
      if (behind === -1) this.queue.push(entry);
      else this.queue.splice(behind, 0, entry);
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
      if (next) next.grant();
      else this.available += 1;
    };
  }
}
