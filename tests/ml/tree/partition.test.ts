import { describe, expect, it } from 'vitest';
import { markSides, partition } from '../../../src/ml/tree/partition.js';
import { regressionTask, rootWorkspace } from './fixtures.js';

describe('tree partition', () => {
  it('moves each side of a split together, keeping every list in its order', () => {
    const task = regressionTask(400, 2);
    const n = task.rows;
    const ws = rootWorkspace(task);
    const sortedList = ws.listOf[2];
    expect(sortedList).toBeGreaterThan(0);
    const before = Array.from(ws.order.subarray(sortedList * n, (sortedList + 1) * n));
    // Split on the six-valued feature: codes 0 and 1 go left.
    const split = markSides(ws, n, 1, 0, n, 1);
    partition(ws, n, ws.lists, 1, 0, n, 0);
    const goesLeft = (id: number) => task.data[n + id] <= 1;
    const samples = Array.from(ws.order.subarray(0, n));
    expect(split).toBe(samples.filter(goesLeft).length);
    expect(samples.slice(0, split).every(goesLeft)).toBe(true);
    expect(samples.slice(split).some(goesLeft)).toBe(false);
    expect(samples.slice(0, split)).toEqual([...samples.slice(0, split)].sort((a, b) => a - b));
    const after = Array.from(ws.order.subarray(sortedList * n, (sortedList + 1) * n));
    expect(after.slice(0, split)).toEqual(before.filter(goesLeft));
    expect(after.slice(split)).toEqual(before.filter((id) => !goesLeft(id)));
  });
});
