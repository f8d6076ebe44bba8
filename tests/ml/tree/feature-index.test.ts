import { describe, expect, it } from 'vitest';
import { indexFeatures, MAX_HISTOGRAM_VALUES } from '../../../src/ml/tree/feature-index.js';

describe('tree feature index', () => {
  it('codes a few-valued feature by the rank of its value', () => {
    const data = Float64Array.of(5, -1, 5, 2);
    const index = indexFeatures(4, 1, data);
    expect(Array.from(index.distinct[0])).toEqual([-1, 2, 5]);
    expect(Array.from(index.codes)).toEqual([2, 0, 2, 1]);
    expect(index.sorted[0]).toHaveLength(0);
  });

  it('lists the samples of a many-valued feature in ascending order, ties in sample order', () => {
    const n = MAX_HISTOGRAM_VALUES + 44;
    const data = Float64Array.from({ length: n }, (_, i) => (i * 7919) % (n - 1));
    const index = indexFeatures(n, 1, data);
    expect(index.distinct[0]).toHaveLength(0);
    const order = Array.from(index.sorted[0]);
    for (let k = 1; k < n; k++) {
      const [a, b] = [order[k - 1], order[k]];
      expect(data[a] < data[b] || (data[a] === data[b] && a < b)).toBe(true);
    }
  });
});
