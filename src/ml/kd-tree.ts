/**
 * k-nearest-neighbour search (Euclidean) with a k-d tree over row-major points. Building sorts
 * each node's points along its widest dimension; a query descends to the nearer side first and
 * visits the far side only when the far side's bounding box (the smallest box around its points)
 * is closer than the current k-th distance.
 * Nodes live in flat typed arrays and the points are copied in tree order, so a leaf's points sit
 * side by side in memory and a search allocates nothing.
 */

const LEAF_SIZE = 16;

export interface KdTree {
  readonly dimensions: number;
  /** The points in tree order: position p holds row order[p], so each leaf is one contiguous run. */
  readonly points: Float64Array;
  /** Row at each tree position. */
  readonly order: Int32Array;
  /** Tree position of each row. */
  readonly positionOf: Int32Array;
  /** Per node: positions [start, end) it covers; a leaf has left = -1. */
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly dimension: Int32Array;
  readonly split: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Per node, row-major (nodes × dimensions): the lowest and highest value of its points. */
  readonly low: Float64Array;
  readonly high: Float64Array;
  /** Longest root-to-leaf path, in nodes: bounds a search's stack. */
  readonly depth: number;
}

function widestDimension(
  points: Float64Array,
  d: number,
  order: Int32Array,
  start: number,
  end: number,
): number {
  let best = 0;
  let bestSpread = -1;
  for (let j = 0; j < d; j++) {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = start; i < end; i++) {
      const v = points[order[i] * d + j];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (max - min > bestSpread) {
      bestSpread = max - min;
      best = j;
    }
  }
  return best;
}

/**
 * Where to cut sorted values near their middle: at a change of value, so that equal values stay on
 * one side and the plane lies halfway between two distinct values. Many analysis features are
 * flags: a plane through a shared value would send every query to both sides.
 */
function cutIndex(values: Float64Array): number {
  const middle = values.length >> 1;
  for (let step = 0; step < values.length; step++) {
    const above = middle + step;
    if (above < values.length && above > 0 && values[above - 1] !== values[above]) return above;
    const below = middle - step;
    if (below > 0 && below < values.length && values[below - 1] !== values[below]) return below;
  }
  return -1;
}

/** Growable node arrays while building. */
class NodeList {
  start: number[] = [];
  end: number[] = [];
  dimension: number[] = [];
  split: number[] = [];
  left: number[] = [];
  right: number[] = [];

  add(start: number, end: number): number {
    this.start.push(start);
    this.end.push(end);
    this.dimension.push(0);
    this.split.push(0);
    this.left.push(-1);
    this.right.push(-1);
    return this.start.length - 1;
  }
}

/** Builds the node covering order[start, end); returns its id and the depth below it (itself included). */
function buildNode(
  points: Float64Array,
  d: number,
  order: Int32Array,
  nodes: NodeList,
  start: number,
  end: number,
): { id: number; depth: number } {
  const id = nodes.add(start, end);
  if (end - start <= LEAF_SIZE) return { id, depth: 1 };
  const dimension = widestDimension(points, d, order, start, end);
  // A stable sort: equal values keep their order, so a tree is the same from one build to the next.
  const slice = Array.from(order.subarray(start, end)).sort(
    (a, b) => points[a * d + dimension] - points[b * d + dimension],
  );
  const values = Float64Array.from(slice, (i) => points[i * d + dimension]);
  const cut = cutIndex(values);
  if (cut < 0) return { id, depth: 1 }; // every point equal: one leaf
  order.set(slice, start);
  nodes.dimension[id] = dimension;
  nodes.split[id] = (values[cut - 1] + values[cut]) / 2;
  const left = buildNode(points, d, order, nodes, start, start + cut);
  const right = buildNode(points, d, order, nodes, start + cut, end);
  nodes.left[id] = left.id;
  nodes.right[id] = right.id;
  return { id, depth: 1 + Math.max(left.depth, right.depth) };
}

/** `points` holds `n` rows of `dimensions` values each, row after row. */
export function buildKdTree(points: Float64Array, dimensions: number): KdTree {
  const n = dimensions === 0 ? 0 : points.length / dimensions;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const nodes = new NodeList();
  const depth = n ? buildNode(points, dimensions, order, nodes, 0, n).depth : 0;
  const inTreeOrder = new Float64Array(n * dimensions);
  const positionOf = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    inTreeOrder.set(points.subarray(order[p] * dimensions, (order[p] + 1) * dimensions), p * dimensions);
    positionOf[order[p]] = p;
  }
  const { low, high } = boundingBoxes(inTreeOrder, dimensions, nodes);
  return {
    dimensions,
    points: inTreeOrder,
    order,
    positionOf,
    start: Int32Array.from(nodes.start),
    end: Int32Array.from(nodes.end),
    dimension: Int32Array.from(nodes.dimension),
    split: Float64Array.from(nodes.split),
    left: Int32Array.from(nodes.left),
    right: Int32Array.from(nodes.right),
    low,
    high,
    depth,
  };
}

/** Each node's bounding box; children have higher ids than their parent, so a backward pass suffices. */
function boundingBoxes(
  points: Float64Array,
  d: number,
  nodes: NodeList,
): { low: Float64Array; high: Float64Array } {
  const count = nodes.start.length;
  const low = new Float64Array(count * d);
  const high = new Float64Array(count * d);
  for (let node = count - 1; node >= 0; node--) {
    const at = node * d;
    const left = nodes.left[node];
    if (left >= 0) {
      const right = nodes.right[node];
      for (let j = 0; j < d; j++) {
        low[at + j] = Math.min(low[left * d + j], low[right * d + j]);
        high[at + j] = Math.max(high[left * d + j], high[right * d + j]);
      }
      continue;
    }
    low.fill(Number.POSITIVE_INFINITY, at, at + d);
    high.fill(Number.NEGATIVE_INFINITY, at, at + d);
    for (let p = nodes.start[node]; p < nodes.end[node]; p++) {
      for (let j = 0; j < d; j++) {
        const value = points[p * d + j];
        if (value < low[at + j]) low[at + j] = value;
        if (value > high[at + j]) high[at + j] = value;
      }
    }
  }
  return { low, high };
}

/**
 * A reusable search for the k nearest rows of a tree's rows. After `search`, the first `count`
 * entries of `index` and `squared` hold the neighbours (rows, squared distances), nearest first;
 * among equal distances, the one met first comes first.
 */
export interface NeighbourSearch {
  readonly index: Int32Array;
  readonly squared: Float64Array;
  readonly count: number;
  /**
   * The k nearest rows to row `query` (itself excluded). Exact unless `maxLeaves` stops the search
   * early: then the nearest of the leaves visited, nearer side first.
   */
  search(query: number, maxLeaves?: number): void;
}

export function createNeighbourSearch(tree: KdTree, k: number): NeighbourSearch {
  const {
    points,
    dimensions: d,
    order,
    positionOf,
    start,
    end,
    dimension,
    split,
    left,
    right,
    low,
    high,
  } = tree;
  const index = new Int32Array(k);
  const squared = new Float64Array(k);
  const target = new Float64Array(d);
  // Far sides waiting to be visited, with the squared distance to their bounding box.
  const pending = new Int32Array(tree.depth + 1);
  const pendingBound = new Float64Array(tree.depth + 1);
  let count = 0;

  /** Squared distance from the query to a node's bounding box: no point of the node is nearer. */
  const boxDistance = (node: number): number => {
    const at = node * d;
    let sum = 0;
    for (let j = 0; j < d; j++) {
      const below = low[at + j] - target[j];
      const above = target[j] - high[at + j];
      const gap = below > 0 ? below : above > 0 ? above : 0;
      sum += gap * gap;
    }
    return sum;
  };

  const consider = (position: number): void => {
    const base = position * d;
    const full = count === k;
    const worst = full ? squared[k - 1] : Number.POSITIVE_INFINITY;
    let sum = 0;
    for (let j = 0; j < d; j++) {
      const diff = points[base + j] - target[j];
      sum += diff * diff;
      // Partial sums only grow: once one reaches the k-th distance, the point cannot enter.
      if (sum >= worst) return;
    }
    let at = full ? k - 1 : count;
    while (at > 0 && squared[at - 1] > sum) {
      index[at] = index[at - 1];
      squared[at] = squared[at - 1];
      at--;
    }
    index[at] = order[position];
    squared[at] = sum;
    if (!full) count++;
  };

  const search = (query: number, maxLeaves = Number.POSITIVE_INFINITY): void => {
    count = 0;
    if (start.length === 0) return;
    const own = positionOf[query];
    for (let j = 0; j < d; j++) target[j] = points[own * d + j];
    let leavesLeft = maxLeaves;
    let top = 0;
    pending[top] = 0;
    pendingBound[top] = 0;
    top++;
    while (top > 0) {
      top--;
      let node = pending[top];
      // A box no nearer than the k-th neighbour holds no point that could enter.
      if (leavesLeft <= 0 || (count === k && pendingBound[top] >= squared[k - 1])) continue;
      while (left[node] >= 0) {
        const nearLeft = target[dimension[node]] < split[node];
        const far = nearLeft ? right[node] : left[node];
        pending[top] = far;
        pendingBound[top] = boxDistance(far);
        top++;
        node = nearLeft ? left[node] : right[node];
      }
      leavesLeft--;
      // A leaf above LEAF_SIZE holds identical points: all at one distance, so k + 1 of them suffice.
      const last = Math.min(end[node], start[node] + Math.max(LEAF_SIZE, k + 1));
      for (let position = start[node]; position < last; position++) {
        if (position !== own) consider(position);
      }
    }
  };

  return {
    index,
    squared,
    get count() {
      return count;
    },
    search,
  };
}

/** Every row's k nearest rows, as a whole: row i's neighbours at [i · k, (i + 1) · k), nearest first. */
export interface AllNeighbours {
  readonly k: number;
  readonly index: Int32Array;
  readonly squared: Float64Array;
  /** How many of row i's k places hold a neighbour (fewer only with fewer than k + 1 rows, or a leaf cap). */
  readonly found: Int32Array;
}

/** What a search of every row's neighbours is given: plain data, so it can be sent to a worker thread. */
export interface NeighboursJob {
  /** Row-major points, `dimensions` values per row. */
  readonly points: Float64Array;
  readonly dimensions: number;
  readonly k: number;
  /** Leaves one search may read (see NeighbourSearch.search). */
  readonly maxLeaves: number;
}

/** Searches every row's neighbours: on the calling thread, or in a worker pool. */
export type NeighboursFinder = (job: NeighboursJob) => Promise<AllNeighbours>;

export function findAllNeighbours(job: NeighboursJob): AllNeighbours {
  const { points, dimensions, k, maxLeaves } = job;
  const n = dimensions === 0 ? 0 : points.length / dimensions;
  const search = createNeighbourSearch(buildKdTree(points, dimensions), k);
  const index = new Int32Array(n * k);
  const squared = new Float64Array(n * k);
  const found = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    search.search(i, maxLeaves);
    found[i] = search.count;
    index.set(search.index.subarray(0, search.count), i * k);
    squared.set(search.squared.subarray(0, search.count), i * k);
  }
  return { k, index, squared, found };
}
