import { describe, expect, it } from 'vitest';
import { growTrees } from '../../../src/ml/tree/grow.js';
import type { TreeSet } from '../../../src/ml/tree/types.js';
import { regressionTask } from './fixtures.js';

/** The leaf value tree 0 gives sample i of a column-major matrix. */
function predictOne(trees: TreeSet, data: Float64Array, rows: number, i: number): number {
  let node = 0;
  while (trees.feature[node] >= 0) {
    const f = trees.feature[node];
    node = data[f * rows + i] <= trees.threshold[node] ? node + 1 : trees.child[node];
  }
  return trees.leafValues[trees.child[node]];
}

describe('tree growth', () => {
  it('an unlimited tree without bootstrap reproduces its training targets', () => {
    const task = { ...regressionTask(300, 5), maxDepth: Number.POSITIVE_INFINITY };
    const trees = growTrees(task);
    for (let i = 0; i < task.rows; i++) {
      expect(predictOne(trees, task.data, task.rows, i)).toBeCloseTo(task.target[i], 9);
    }
  });

  it('respects the depth limit and the minimum leaf size, whole-node histograms or not', () => {
    for (const rows of [40, 400]) {
      const task = { ...regressionTask(rows, 6, 7), maxDepth: 3 };
      const trees = growTrees(task);
      expect(trees.nodeOffsets[1]).toBeLessThanOrEqual(15);
      const perLeaf = new Map<number, number>();
      for (let i = 0; i < rows; i++) {
        const value = predictOne(trees, task.data, rows, i);
        perLeaf.set(value, (perLeaf.get(value) ?? 0) + 1);
      }
      for (const count of perLeaf.values()) expect(count).toBeGreaterThanOrEqual(7);
      expect(trees.importances.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    }
  });
});
