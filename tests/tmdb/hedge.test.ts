import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type HedgeOptions, hedge, LatencyWindow } from '../../src/tmdb/hedge.js';

describe('LatencyWindow', () => {
  const limits = { minMs: 100, maxMs: 1_000 };

  it('suggests the upper bound until it has seen enough answers', () => {
    const window = new LatencyWindow(200);
    for (let i = 0; i < 19; i += 1) window.record(10);
    expect(window.hedgeDelay(limits)).toBe(1_000);
  });

  it('suggests four times the 95th percentile, within the bounds', () => {
    const window = new LatencyWindow(200);
    for (let i = 1; i <= 100; i += 1) window.record(i);
    expect(window.hedgeDelay(limits)).toBe(384);
    const fast = new LatencyWindow(200);
    for (let i = 0; i < 40; i += 1) fast.record(1);
    expect(fast.hedgeDelay(limits)).toBe(100);
  });

  it('keeps only the newest samples', () => {
    const window = new LatencyWindow(20);
    for (let i = 0; i < 20; i += 1) window.record(500);
    for (let i = 0; i < 20; i += 1) window.record(10);
    expect(window.hedgeDelay(limits)).toBe(100);
  });
});

/** A launch whose copies stay open until the test settles them. */
function controlledLaunch() {
  const copies: Array<{
    priority: number;
    signal: AbortSignal;
    resolve: (value: string) => void;
    reject: (error: Error) => void;
  }> = [];
  const launch = (signal: AbortSignal, priority: number, onSent: () => void) =>
    new Promise<string>((resolve, reject) => {
      copies.push({ priority, signal, resolve, reject });
      onSent();
    });
  return { copies, launch };
}

describe('hedge', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const options = (overrides: Partial<HedgeOptions> = {}): HedgeOptions => ({
    signal: new AbortController().signal,
    priority: 0,
    againPriority: 2,
    maxHedges: 2,
    delayMs: () => 100,
    onHedge: () => {},
    ...overrides,
  });

  it('sends a silent request again and settles on the first answer, aborting the other copy', async () => {
    const { copies, launch } = controlledLaunch();
    const onHedge = vi.fn();
    const result = hedge(launch, options({ onHedge }));
    await vi.advanceTimersByTimeAsync(99);
    expect(copies).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(copies.map((copy) => copy.priority)).toEqual([0, 2]);
    expect(onHedge).toHaveBeenCalledTimes(1);
    copies[1].resolve('second');
    expect(await result).toBe('second');
    expect(copies[0].signal.aborted).toBe(true);
  });

  it('sends at most the allowed number of extra copies', async () => {
    const { copies, launch } = controlledLaunch();
    const result = hedge(launch, options());
    await vi.advanceTimersByTimeAsync(1_000);
    expect(copies).toHaveLength(3);
    copies[0].resolve('first');
    expect(await result).toBe('first');
  });

  it('sends no copy when the answer comes in time', async () => {
    const { copies, launch } = controlledLaunch();
    const result = hedge(launch, options());
    copies[0].resolve('only');
    expect(await result).toBe('only');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(copies).toHaveLength(1);
  });

  it('rejects only once every open copy has rejected', async () => {
    const { copies, launch } = controlledLaunch();
    const result = hedge(launch, options());
    result.catch(() => {});
    await vi.advanceTimersByTimeAsync(100);
    copies[0].reject(new Error('first'));
    await vi.advanceTimersByTimeAsync(0);
    copies[1].resolve('second');
    expect(await result).toBe('second');
  });

  it('rejects at once when the signal has aborted', async () => {
    const { copies, launch } = controlledLaunch();
    const stop = new AbortController();
    const result = hedge(launch, options({ signal: stop.signal }));
    await vi.advanceTimersByTimeAsync(100);
    stop.abort();
    copies[0].reject(new Error('aborted'));
    await expect(result).rejects.toThrow('aborted');
  });
});
