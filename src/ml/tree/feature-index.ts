/**
 * Features with at most this many distinct values are searched through an exact per-value
 * histogram: one pass over the node's samples in any order, then a scan of the values. Every
 * boundary between two distinct values is still a candidate, so the split is the same exact split
 * as a scan of sorted samples, but no sorted list has to be kept for the feature.
 */
export const MAX_HISTOGRAM_VALUES = 256;

/** How each feature is searched, shared by every tree of a task. */
export interface FeatureIndex {
  /** Distinct values of each histogram feature, ascending; empty for sorted features. */
  readonly distinct: Float64Array[];
  /** Per histogram feature, the rank of each sample's value in `distinct` (column-major, rows × cols). */
  readonly codes: Uint16Array;
  /** Per sorted feature (more distinct values), sample ids in ascending value order; empty otherwise. */
  readonly sorted: Int32Array[];
}

/** Splits features into histogram features and sorted features, and indexes both. */
export function indexFeatures(rows: number, cols: number, data: Float64Array): FeatureIndex {
  const codes = new Uint16Array(rows * cols);
  const distinct: Float64Array[] = [];
  const sorted: Int32Array[] = [];
  const values = new Float64Array(rows);
  const rank = new Int32Array(rows);
  const seen = new Map<number, number>();
  for (let j = 0; j < cols; j++) {
    const offset = j * rows;
    // Most features are flags or months: collect their few values in a map, without sorting.
    seen.clear();
    let few = true;
    for (let i = 0; i < rows; i++) {
      const value = data[offset + i];
      if (seen.has(value)) continue;
      if (seen.size === MAX_HISTOGRAM_VALUES) {
        few = false;
        break;
      }
      seen.set(value, 0);
    }
    if (few) {
      const ascending = Float64Array.from(seen.keys()).sort();
      for (let r = 0; r < ascending.length; r++) seen.set(ascending[r], r);
      for (let i = 0; i < rows; i++) codes[offset + i] = seen.get(data[offset + i]) ?? 0;
      distinct.push(ascending);
      sorted.push(new Int32Array(0));
      continue;
    }
    values.set(data.subarray(offset, offset + rows));
    values.sort();
    let unique = 0;
    for (let i = 0; i < rows; i++) {
      if (i === 0 || values[i] !== values[unique - 1]) values[unique++] = values[i];
    }
    for (let i = 0; i < rows; i++) {
      const value = data[offset + i];
      let lo = 0;
      let hi = unique - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (values[mid] < value) lo = mid + 1;
        else hi = mid;
      }
      rank[i] = lo;
    }
    // A counting sort by rank: ascending values, ties in sample order.
    const start = new Int32Array(unique + 1);
    for (let i = 0; i < rows; i++) start[rank[i] + 1]++;
    for (let r = 0; r < unique; r++) start[r + 1] += start[r];
    const order = new Int32Array(rows);
    for (let i = 0; i < rows; i++) order[start[rank[i]]++] = i;
    distinct.push(new Float64Array(0));
    sorted.push(order);
  }
  return { distinct, codes, sorted };
}
