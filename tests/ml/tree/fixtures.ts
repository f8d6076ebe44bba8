import { createRandom } from '../../../src/ml/random.js';
import { indexFeatures } from '../../../src/ml/tree/feature-index.js';
import type { GrowTask } from '../../../src/ml/tree/types.js';
import { createWorkspace, type Workspace } from '../../../src/ml/tree/workspace.js';

/**
 * A regression task of n samples: feature 0 a flag, feature 1 six values, feature 2 continuous
 * (n distinct values, searched from a sorted list when n > 256). y is noisy in all three.
 */
export function regressionTask(n: number, seed: number, minSamplesLeaf = 1): GrowTask {
  const random = createRandom(seed);
  const data = new Float64Array(3 * n);
  const target = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    data[i] = random.nextInt(2);
    data[n + i] = random.nextInt(6);
    data[2 * n + i] = random.next();
    target[i] = 3 * data[i] + data[n + i] ** 2 - 4 * data[2 * n + i] + random.next();
  }
  return {
    rows: n,
    cols: 3,
    data,
    target,
    seeds: Uint32Array.of(1),
    classes: 0,
    maxDepth: 8,
    maxFeatures: 3,
    minSamplesLeaf,
    minSamplesSplit: 2,
    bootstrap: false,
    maxSamples: Number.POSITIVE_INFINITY,
  };
}

/** A workspace holding every sample once, in index order, with sorted lists filled: a root node. */
export function rootWorkspace(task: GrowTask): Workspace {
  const index = indexFeatures(task.rows, task.cols, task.data);
  const ws = createWorkspace(task, index);
  ws.weight.fill(1);
  ws.weightedTarget.set(task.target);
  for (let i = 0; i < task.rows; i++) ws.order[i] = i;
  for (let j = 0; j < task.cols; j++) {
    const list = ws.listOf[j];
    if (list >= 0) ws.order.set(index.sorted[j], list * task.rows);
  }
  return ws;
}

/** Scikit-learn's squared-error proxy of splitting the node's samples by `goesLeft`. */
export function proxyOfSides(task: GrowTask, goesLeft: (i: number) => boolean): number {
  let wl = 0;
  let sl = 0;
  let wr = 0;
  let sr = 0;
  for (let i = 0; i < task.rows; i++) {
    if (goesLeft(i)) {
      wl++;
      sl += task.target[i];
    } else {
      wr++;
      sr += task.target[i];
    }
  }
  return (sl * sl) / wl + (sr * sr) / wr;
}
