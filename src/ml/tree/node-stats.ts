import type { NodeStats, Workspace } from './workspace.js';

/** Squared error: the node's sample count, weight, weighted target sum and variance. */
export function regressionStats(ws: Workspace, start: number, end: number, stats: NodeStats): void {
  const { order, weight, weightedTarget, target } = ws;
  let w = 0;
  let s = 0;
  let q = 0;
  for (let k = start; k < end; k++) {
    const id = order[k];
    const wy = weightedTarget[id];
    w += weight[id];
    s += wy;
    q += wy * target[id];
  }
  stats.count = end - start;
  stats.weight = w;
  stats.sum = s;
  const mean = s / w;
  stats.impurity = Math.max(q / w - mean * mean, 0);
}

export function binaryStatsOf(count: number, weight: number, positive: number, stats: NodeStats): void {
  const negative = weight - positive;
  stats.count = count;
  stats.weight = weight;
  stats.sum = positive;
  stats.impurity = 1 - (positive * positive + negative * negative) / (weight * weight);
}

/** Class 1's weight goes in stats.sum (weightedTarget is weight × label). */
export function binaryStats(ws: Workspace, start: number, end: number, stats: NodeStats): void {
  const { order, weight, weightedTarget } = ws;
  let w = 0;
  let positive = 0;
  for (let k = start; k < end; k++) {
    const id = order[k];
    w += weight[id];
    positive += weightedTarget[id];
  }
  const negative = w - positive;
  stats.count = end - start;
  stats.weight = w;
  stats.sum = positive;
  stats.impurity = 1 - (positive * positive + negative * negative) / (w * w);
}

export function classificationStats(
  ws: Workspace,
  start: number,
  end: number,
  classes: number,
  stats: NodeStats,
): void {
  const { order, weight, label, classTotals } = ws;
  classTotals.fill(0);
  let w = 0;
  for (let k = start; k < end; k++) {
    const id = order[k];
    classTotals[label[id]] += weight[id];
    w += weight[id];
  }
  let squares = 0;
  for (let c = 0; c < classes; c++) squares += classTotals[c] * classTotals[c];
  stats.count = end - start;
  stats.weight = w;
  stats.impurity = 1 - squares / (w * w);
}
