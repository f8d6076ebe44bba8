import { describe, expect, it } from 'vitest';
import { fillSlot, takeSlot } from '../../../src/ml/tree/histogram.js';
import { regressionStats } from '../../../src/ml/tree/node-stats.js';
import { searchFlag, searchHistogram, searchSlot, searchSorted } from '../../../src/ml/tree/split-search.js';
import type { BestSplit, NodeStats } from '../../../src/ml/tree/workspace.js';
import { proxyOfSides, regressionTask, rootWorkspace } from './fixtures.js';

const noSplit = (): BestSplit => ({
  feature: -1,
  position: -1,
  proxy: Number.NEGATIVE_INFINITY,
  low: 0,
  high: 0,
  leftWeight: 0,
  leftSum: 0,
});

describe('tree split search', () => {
  const task = regressionTask(300, 9);
  const n = task.rows;
  const ws = rootWorkspace(task);
  const stats: NodeStats = { count: 0, weight: 0, sum: 0, impurity: 0 };
  regressionStats(ws, 0, n, stats);
  const column = (f: number) => task.data.subarray(f * n, (f + 1) * n);
  /** The best proxy over every threshold between two distinct values of feature f, by brute force. */
  const bruteForce = (f: number) => {
    const values = [...new Set(column(f))].sort((a, b) => a - b);
    let best = Number.NEGATIVE_INFINITY;
    let threshold = Number.NaN;
    for (let k = 0; k + 1 < values.length; k++) {
      const proxy = proxyOfSides(task, (i) => column(f)[i] <= values[k]);
      if (proxy > best) [best, threshold] = [proxy, (values[k] + values[k + 1]) / 2];
    }
    return { best, threshold };
  };

  it('the node statistics are the sample count, sum and variance', () => {
    const mean = task.target.reduce((a, b) => a + b, 0) / n;
    const variance = task.target.reduce((a, y) => a + (y - mean) ** 2, 0) / n;
    expect(stats.count).toBe(n);
    expect(stats.sum / stats.weight).toBeCloseTo(mean, 9);
    expect(stats.impurity).toBeCloseTo(variance, 9);
  });

  it('a sorted feature, a histogram feature and a flag each find the brute-force best split', () => {
    const searches = [
      (best: BestSplit) => searchFlag(ws, 0, n, 0, stats, 0, 1, best),
      (best: BestSplit) => searchHistogram(ws, 0, n, 1, stats, 0, 1, best),
      (best: BestSplit) => searchSorted(ws, ws.listOf[2] * n, 0, n, 2, stats, 0, 1, best),
    ];
    searches.forEach((search, f) => {
      const best = noSplit();
      expect(search(best)).toBe(true);
      const expected = bruteForce(f);
      expect(best.feature).toBe(f);
      expect(best.proxy).toBeCloseTo(expected.best, 6);
      expect((best.low + best.high) / 2).toBeCloseTo(expected.threshold, 12);
    });
  });

  it("searching a whole-node histogram finds the same split as a pass over the node's samples", () => {
    const h = ws.histograms;
    if (!h) throw new Error('expected whole-node histograms');
    const slot = takeSlot(h);
    fillSlot(ws, h, slot, 0, n);
    for (const f of [0, 1]) {
      const fromSlot = noSplit();
      const fromSamples = noSplit();
      searchSlot(ws, h, slot, f, stats, 0, 1, fromSlot);
      searchHistogram(ws, 0, n, f, stats, 0, 1, fromSamples);
      expect(fromSlot.position).toBe(fromSamples.position);
      expect(fromSlot.proxy).toBeCloseTo(fromSamples.proxy, 9);
    }
  });

  it('a split leaving fewer than the minimum leaf size on a side is not taken', () => {
    const best = noSplit();
    searchHistogram(ws, 0, n, 1, stats, 0, n, best);
    expect(best.feature).toBe(-1);
  });
});
