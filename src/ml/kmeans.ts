import type { Matrix } from './matrix.js';
import { createNumpyRandom, type Random } from './random.js';

export interface KMeansOptions {
  readonly k: number;
  /** Independent k-means++ starts; the run with the lowest inertia wins (10). */
  readonly nInit?: number;
  readonly maxIterations?: number;
  /** Relative tolerance on the centre shift, scaled by the mean feature variance (1e-4). */
  readonly tolerance?: number;
}

/** A fitted clustering: centres are row-major, k × features. */
export interface KMeansModel {
  readonly kind: 'k-means';
  readonly k: number;
  readonly features: number;
  readonly centers: number[][];
  /** Sum of squared distances of the training samples to their nearest centre. */
  readonly inertia: number;
  readonly iterations: number;
}

export interface KMeansResult {
  readonly model: KMeansModel;
  /** Cluster of each training sample. */
  readonly labels: Int32Array;
}

/**
 * Lloyd's k-means with greedy k-means++ seeding (2 + ⌊ln k⌋ candidates per centre), restarted
 * `nInit` times, as scikit-learn's KMeans does it.
 */
export function fitKMeans(features: Matrix, options: KMeansOptions, random: Random): KMeansResult {
  const { rows: n, cols: p, data } = features;
  const k = options.k;
  if (!Number.isInteger(k) || k < 1 || k > n)
    throw new RangeError(`cannot make ${k} clusters of ${n} samples`);
  const nInit = options.nInit ?? 10;
  const maxIterations = options.maxIterations ?? 300;
  let meanVariance = 0;
  for (let j = 0; j < p; j++) {
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) sum += data[j * n + i];
    const mean = sum / n;
    for (let i = 0; i < n; i++) squares += (data[j * n + i] - mean) ** 2;
    meanVariance += squares / n / p;
  }
  const tolerance = (options.tolerance ?? 1e-4) * meanVariance;

  // Row-major copy: the assignment step reads one sample's features together.
  const samples = new Float64Array(n * p);
  for (let j = 0; j < p; j++) for (let i = 0; i < n; i++) samples[i * p + j] = data[j * n + i];
  const distances = new Float64Array(n);
  const labels = new Int32Array(n);
  const counts = new Float64Array(k);
  const sums = new Float64Array(k * p);
  const upper = new Float64Array(n);
  const lower = new Float64Array(n);
  const move = new Float64Array(k);
  const half = new Float64Array(k);
  let best: { centers: Float64Array; labels: Int32Array; inertia: number; iterations: number } | undefined;
  for (let run = 0; run < nInit; run++) {
    const centers = seedKMeansPlusPlus(features, k, random);
    const bounds: Bounds = { upper, lower, move, half };
    assignAll(samples, n, p, centers, k, labels, bounds);
    clusterSums(samples, n, p, labels, sums, counts);
    let iterations = 0;
    for (; iterations < maxIterations; iterations++) {
      const relocated = relocateEmptyClusters(samples, n, p, centers, k, counts, sums, distances, labels);
      let shift = 0;
      for (let c = 0; c < k; c++) {
        let moved = 0;
        for (let j = 0; j < p; j++) {
          const updated = sums[c * p + j] / counts[c];
          moved += (updated - centers[c * p + j]) ** 2;
          centers[c * p + j] = updated;
        }
        move[c] = Math.sqrt(moved);
        shift += moved;
      }
      if (shift <= tolerance) {
        iterations++;
        break;
      }
      if (relocated) {
        assignAll(samples, n, p, centers, k, labels, bounds);
        clusterSums(samples, n, p, labels, sums, counts);
      } else {
        reassign(samples, n, p, centers, k, labels, bounds, sums, counts);
      }
    }
    // Labels and inertia always belong to the final centres.
    const inertia = assign(samples, n, p, centers, k, distances, labels);
    if (!best || inertia < best.inertia) best = { centers, labels: labels.slice(), inertia, iterations };
  }
  const chosen = best!;
  const centers: number[][] = [];
  for (let c = 0; c < k; c++) centers.push(Array.from(chosen.centers.subarray(c * p, (c + 1) * p)));
  return {
    model: {
      kind: 'k-means',
      k,
      features: p,
      centers,
      inertia: chosen.inertia,
      iterations: chosen.iterations,
    },
    labels: chosen.labels,
  };
}

function clusterSums(
  samples: Float64Array,
  n: number,
  p: number,
  labels: Int32Array,
  sums: Float64Array,
  counts: Float64Array,
): void {
  sums.fill(0);
  counts.fill(0);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    counts[c]++;
    for (let j = 0; j < p; j++) sums[c * p + j] += samples[i * p + j];
  }
}

/** Nearest centre of each sample (row-major samples) and its squared distance; returns the inertia. */
function assign(
  samples: Float64Array,
  n: number,
  p: number,
  centers: Float64Array,
  k: number,
  distances: Float64Array,
  labels: Int32Array,
): number {
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    const row = i * p;
    let bestCluster = 0;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      const center = c * p;
      let d = 0;
      for (let j = 0; j < p; j++) {
        const diff = samples[row + j] - centers[center + j];
        d += diff * diff;
      }
      if (d < bestDistance) {
        bestDistance = d;
        bestCluster = c;
      }
    }
    labels[i] = bestCluster;
    distances[i] = bestDistance;
    inertia += bestDistance;
  }
  return inertia;
}

/** An empty cluster takes over the sample farthest from its own centre, as scikit-learn does. */
function relocateEmptyClusters(
  samples: Float64Array,
  n: number,
  p: number,
  centers: Float64Array,
  k: number,
  counts: Float64Array,
  sums: Float64Array,
  distances: Float64Array,
  labels: Int32Array,
): boolean {
  let empty = false;
  for (let c = 0; c < k; c++) if (counts[c] === 0) empty = true;
  if (!empty) return false;
  assign(samples, n, p, centers, k, distances, labels);
  for (let c = 0; c < k; c++) {
    if (counts[c] > 0) continue;
    let far = -1;
    let farDistance = -1;
    for (let i = 0; i < n; i++) {
      if (counts[labels[i]] > 1 && distances[i] > farDistance) {
        farDistance = distances[i];
        far = i;
      }
    }
    const from = labels[far];
    counts[from]--;
    counts[c] = 1;
    for (let j = 0; j < p; j++) {
      const value = samples[far * p + j];
      sums[from * p + j] -= value;
      sums[c * p + j] = value;
    }
    labels[far] = c;
    distances[far] = 0;
  }
  return true;
}

/**
 * Hamerly's bounds: an upper bound on each sample's distance to its centre, a lower bound on its
 * distance to any other centre, and half the gap from each centre to its nearest neighbour. A
 * sample whose upper bound is below both lower bounds cannot change cluster and is skipped, which
 * gives Lloyd's assignments exactly while computing few distances once centres settle.
 */
interface Bounds {
  readonly upper: Float64Array;
  readonly lower: Float64Array;
  readonly move: Float64Array;
  readonly half: Float64Array;
}

function squaredDistance(
  samples: Float64Array,
  row: number,
  centers: Float64Array,
  center: number,
  p: number,
) {
  let d = 0;
  for (let j = 0; j < p; j++) {
    const diff = samples[row + j] - centers[center + j];
    d += diff * diff;
  }
  return d;
}

function distanceToCenter(
  samples: Float64Array,
  row: number,
  centers: Float64Array,
  center: number,
  p: number,
) {
  return Math.sqrt(squaredDistance(samples, row, centers, center, p));
}

/**
 * The nearest and second-nearest centres of sample i. `known` is a centre whose squared distance
 * the caller has just measured (`knownSquared`), or -1.
 */
function nearestTwo(
  samples: Float64Array,
  i: number,
  p: number,
  centers: Float64Array,
  k: number,
  labels: Int32Array,
  bounds: Bounds,
  known = -1,
  knownSquared = 0,
): void {
  let first = Number.POSITIVE_INFINITY;
  let second = Number.POSITIVE_INFINITY;
  let cluster = 0;
  for (let c = 0; c < k; c++) {
    const d = c === known ? knownSquared : squaredDistance(samples, i * p, centers, c * p, p);
    if (d < first) {
      second = first;
      first = d;
      cluster = c;
    } else if (d < second) {
      second = d;
    }
  }
  labels[i] = cluster;
  bounds.upper[i] = Math.sqrt(first);
  bounds.lower[i] = Math.sqrt(second);
}

function assignAll(
  samples: Float64Array,
  n: number,
  p: number,
  centers: Float64Array,
  k: number,
  labels: Int32Array,
  bounds: Bounds,
): void {
  for (let i = 0; i < n; i++) nearestTwo(samples, i, p, centers, k, labels, bounds);
}

function reassign(
  samples: Float64Array,
  n: number,
  p: number,
  centers: Float64Array,
  k: number,
  labels: Int32Array,
  bounds: Bounds,
  sums: Float64Array,
  counts: Float64Array,
): void {
  const { upper, lower, move, half } = bounds;
  let largest = 0;
  let largestAt = 0;
  let runnerUp = 0;
  for (let c = 0; c < k; c++) {
    if (move[c] > largest) {
      runnerUp = largest;
      largest = move[c];
      largestAt = c;
    } else if (move[c] > runnerUp) {
      runnerUp = move[c];
    }
    let nearest = Number.POSITIVE_INFINITY;
    for (let other = 0; other < k; other++) {
      if (other !== c) nearest = Math.min(nearest, distanceToCenter(centers, c * p, centers, other * p, p));
    }
    half[c] = nearest / 2;
  }
  for (let i = 0; i < n; i++) {
    const a = labels[i];
    const u = upper[i] + move[a];
    const l = lower[i] - (a === largestAt ? runnerUp : largest);
    upper[i] = u;
    lower[i] = l;
    const bound = half[a] > l ? half[a] : l;
    if (u <= bound) continue;
    const tightSquared = squaredDistance(samples, i * p, centers, a * p, p);
    const tight = Math.sqrt(tightSquared);
    upper[i] = tight;
    if (tight <= bound) continue;
    nearestTwo(samples, i, p, centers, k, labels, bounds, a, tightSquared);
    const b = labels[i];
    if (b === a) continue;
    // Keep the cluster sums current by moving only the samples that changed cluster.
    counts[a]--;
    counts[b]++;
    for (let j = 0; j < p; j++) {
      const value = samples[i * p + j];
      sums[a * p + j] -= value;
      sums[b * p + j] += value;
    }
  }
}

function seedKMeansPlusPlus(features: Matrix, k: number, random: Random): Float64Array {
  const { rows: n, cols: p, data } = features;
  const centers = new Float64Array(k * p);
  const trials = 2 + Math.floor(Math.log(k));
  const closest = new Float64Array(n);
  const candidate = new Float64Array(n);
  const bestCandidate = new Float64Array(n);
  const cumulative = new Float64Array(n);
  const squaredDistanceTo = (sample: number, out: Float64Array) => {
    out.fill(0);
    for (let j = 0; j < p; j++) {
      const offset = j * n;
      const center = data[offset + sample];
      for (let i = 0; i < n; i++) {
        const d = data[offset + i] - center;
        out[i] += d * d;
      }
    }
  };
  // Drawn as numpy's choice(n, p=uniform) draws it, so a numpy-compatible generator seeds like scikit-learn.
  const first = Math.min(n - 1, Math.floor(random.next() * n));
  for (let j = 0; j < p; j++) centers[j] = data[j * n + first];
  squaredDistanceTo(first, closest);
  let potential = closest.reduce((a, b) => a + b, 0);
  for (let c = 1; c < k; c++) {
    let running = 0;
    for (let i = 0; i < n; i++) {
      running += closest[i];
      cumulative[i] = running;
    }
    let bestPotential = Number.POSITIVE_INFINITY;
    let bestSample = 0;
    for (let t = 0; t < trials; t++) {
      const target = random.next() * potential;
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cumulative[mid] < target) lo = mid + 1;
        else hi = mid;
      }
      squaredDistanceTo(lo, candidate);
      let candidatePotential = 0;
      for (let i = 0; i < n; i++) {
        if (closest[i] < candidate[i]) candidate[i] = closest[i];
        candidatePotential += candidate[i];
      }
      if (candidatePotential < bestPotential) {
        bestPotential = candidatePotential;
        bestSample = lo;
        bestCandidate.set(candidate);
      }
    }
    for (let j = 0; j < p; j++) centers[c * p + j] = data[j * n + bestSample];
    closest.set(bestCandidate);
    potential = bestPotential;
  }
  return centers;
}

/** One k-means fit as plain data, so it can be sent to a worker thread. */
export interface KMeansJob {
  readonly features: Matrix;
  readonly options: KMeansOptions;
  /** Seed of the numpy-compatible generator the starts are drawn from (createNumpyRandom). */
  readonly seed: number;
}

/** Fits k-means jobs: on the calling thread, or in a worker pool. */
export type KMeansFitter = (job: KMeansJob) => Promise<KMeansResult>;

export function fitKMeansJob(job: KMeansJob): KMeansResult {
  return fitKMeans(job.features, job.options, createNumpyRandom(job.seed));
}

/** Nearest centre of each row. */
export function predictKMeans(model: KMeansModel, features: Matrix): Int32Array {
  if (features.cols !== model.features) {
    throw new RangeError(`model expects ${model.features} features, got ${features.cols}`);
  }
  const { rows: n, cols: p, data } = features;
  const samples = new Float64Array(n * p);
  for (let j = 0; j < p; j++) for (let i = 0; i < n; i++) samples[i * p + j] = data[j * n + i];
  const labels = new Int32Array(n);
  assign(samples, n, p, Float64Array.from(model.centers.flat()), model.k, new Float64Array(n), labels);
  return labels;
}
