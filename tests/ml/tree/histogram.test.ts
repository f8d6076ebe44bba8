import { describe, expect, it } from 'vitest';
import { fillSlot, subtractSlot, takeSlot } from '../../../src/ml/tree/histogram.js';
import { markSides, partition } from '../../../src/ml/tree/partition.js';
import { regressionTask, rootWorkspace } from './fixtures.js';

describe('tree histograms', () => {
  it("a child's histogram by sibling subtraction equals the one filled from its samples", () => {
    // A bootstrap task with a minimum leaf size above 1 keeps sample counts beside the weights.
    const task = { ...regressionTask(120, 4, 2), bootstrap: true };
    const ws = rootWorkspace(task);
    const h = ws.histograms;
    if (!h) throw new Error('a regression task searching every feature has whole-node histograms');
    const parent = takeSlot(h);
    fillSlot(ws, h, parent, 0, task.rows);
    // Split on the six-valued feature at code 2: codes 0..2 go left.
    const split = markSides(ws, task.rows, 1, 0, task.rows, 2);
    partition(ws, task.rows, ws.lists, 1, 0, task.rows, 0);
    const left = takeSlot(h);
    fillSlot(ws, h, left, 0, split);
    subtractSlot(h, parent, left);
    const right = takeSlot(h);
    fillSlot(ws, h, right, split, task.rows);
    const bins = (values: ArrayLike<number>, slot: number) =>
      Array.from(values).slice(slot * h.width, (slot + 1) * h.width);
    expect(bins(h.count, parent)).toEqual(bins(h.count, right));
    expect(bins(h.weight, parent)).toEqual(bins(h.weight, right));
    const rightSums = bins(h.sum, right);
    for (const [k, sum] of bins(h.sum, parent).entries()) expect(sum).toBeCloseTo(rightSums[k], 9);
    // Every histogram feature counts each of the right child's samples once.
    const features = ws.index.distinct.filter((values) => values.length > 0).length;
    expect(bins(h.count, right).reduce((a, b) => a + b, 0)).toBe(features * (task.rows - split));
  });

  it('without bootstrap, weighs each sample 1 and checks leaf sizes on the weights', () => {
    const ws = rootWorkspace(regressionTask(120, 4, 2));
    const h = ws.histograms;
    if (!h) throw new Error('a regression task searching every feature has whole-node histograms');
    expect(h.leafSizes).toBe('weights');
    const slot = takeSlot(h);
    fillSlot(ws, h, slot, 0, 120);
    const features = ws.index.distinct.filter((values) => values.length > 0).length;
    const weights = Array.from(h.weight).slice(slot * h.width, (slot + 1) * h.width);
    expect(weights.reduce((a, b) => a + b, 0)).toBe(features * 120);
    expect(weights.every(Number.isInteger)).toBe(true);
  });
});
