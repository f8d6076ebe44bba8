/** Bounds of the hedge delay. */
export interface HedgeLimits {
  minMs: number;
  maxMs: number;
}

/** Fewer answers than this say nothing about the tail: until then the delay is the upper bound. */
const MIN_SAMPLES = 20;

/**
 * The latencies of the last `size` answers, and the hedge delay they suggest: four times their
 * 95th percentile, within the limits. A request silent that long is stuck, not slow.
 */
export class LatencyWindow {
  private readonly samples: number[] = [];
  private cursor = 0;

  constructor(private readonly size: number) {}

  record(ms: number): void {
    this.samples[this.cursor] = ms;
    this.cursor = (this.cursor + 1) % this.size;
  }

  hedgeDelay(limits: HedgeLimits): number {
    if (this.samples.length < MIN_SAMPLES) return limits.maxMs;
    const sorted = [...this.samples].sort((a, b) => a - b);
    const p95 = sorted[Math.floor(sorted.length * 0.95)];
    return Math.min(limits.maxMs, Math.max(limits.minMs, 4 * p95));
  }
}

/**
 * Sends one copy of the request. `onSent` is called when it goes on the wire (after its queue),
 * which is when its silence starts to count.
 */
export type Launch<R> = (signal: AbortSignal, priority: number, onSent: () => void) => Promise<R>;

export interface HedgeOptions {
  signal: AbortSignal;
  priority: number;
  /** Queue priority of the extra copies. */
  againPriority: number;
  /** Extra copies at most. */
  maxHedges: number;
  /** How long the newest copy may stay silent before the next one goes out. */
  delayMs: () => number;
  onHedge: () => void;
}

/**
 * One logical attempt. While the newest copy of it stays silent for longer than the hedge delay,
 * the same request goes out once more (at most `maxHedges` times), and the first answer of any of
 * them settles it; the others are aborted. A failed answer settles it too, because by then any copy
 * still open has been silent for too long anyway. It rejects only when the signal aborts or every
 * copy has rejected.
 */
export function hedge<R>(launch: Launch<R>, options: HedgeOptions): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const controllers: AbortController[] = [];
    let open = 0;
    let hedges = 0;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (settle: () => void) => {
      settled = true;
      clearTimeout(timer);
      for (const controller of controllers) controller.abort();
      settle();
    };
    const onSent = () => {
      if (settled || hedges >= options.maxHedges) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (settled) return;
        hedges += 1;
        options.onHedge();
        start(options.againPriority);
      }, options.delayMs());
    };
    const start = (priority: number) => {
      const own = new AbortController();
      controllers.push(own);
      open += 1;
      launch(AbortSignal.any([options.signal, own.signal]), priority, onSent).then(
        (result) => {
          open -= 1;
          if (!settled) finish(() => resolve(result));
        },
        (error: unknown) => {
          open -= 1;
          if (!settled && (options.signal.aborted || open === 0)) finish(() => reject(error));
        },
      );
    };
    start(options.priority);
  });
}
