/** Entries consumed at the head before the array is compacted. */
const COMPACT_AFTER = 4096;

/**
 * Arrival times of requests over a sliding one-second window, as TMDB counts them for its rate
 * limit. Arrivals that left the window are dropped lazily from the head.
 */
export class ArrivalWindow {
  private readonly arrivals: number[] = [];
  private head = 0;

  /** Counts an arrival and returns how many arrived in the last second, this one included. */
  arrive(now: number): number {
    this.arrivals.push(now);
    while (this.arrivals[this.head] <= now - 1000) this.head += 1;
    if (this.head > COMPACT_AFTER) {
      this.arrivals.splice(0, this.head);
      this.head = 0;
    }
    return this.arrivals.length - this.head;
  }

  /** Whole seconds until the window holds fewer than `limit` requests again; at least 1. */
  retryAfterSeconds(limit: number, now: number): number {
    const oldest = this.arrivals[this.arrivals.length - limit - 1] ?? now;
    return Math.max(1, Math.ceil((oldest + 1000 - now) / 1000));
  }
}
