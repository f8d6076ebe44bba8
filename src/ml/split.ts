import { permutation, type Random, shuffleInPlace } from './random.js';

export interface TrainTestIndices {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

/** Number of test rows for a fraction, rounded up as scikit-learn's train_test_split does. */
export function testSize(n: number, testFraction: number): number {
  if (!(testFraction > 0 && testFraction < 1)) throw new RangeError('testFraction must be in (0, 1)');
  const size = Math.ceil(testFraction * n);
  if (size < 1 || size >= n)
    throw new RangeError(`cannot split ${n} samples with test fraction ${testFraction}`);
  return size;
}

/** Shuffled split of the indices 0..n-1. */
export function trainTestSplit(n: number, testFraction: number, random: Random): TrainTestIndices {
  const nTest = testSize(n, testFraction);
  const order = permutation(n, random);
  return { test: order.slice(0, nTest), train: order.slice(nTest) };
}

/** Indices of each class, classes in ascending label order. */
function groupByClass(labels: Int32Array): Int32Array[] {
  let maxLabel = -1;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] < 0) throw new RangeError('class labels must be non-negative integers');
    if (labels[i] > maxLabel) maxLabel = labels[i];
  }
  const counts = new Int32Array(maxLabel + 1);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  const groups: Int32Array[] = [];
  const slotOf = new Int32Array(maxLabel + 1).fill(-1);
  for (let c = 0; c <= maxLabel; c++) {
    if (counts[c] > 0) {
      slotOf[c] = groups.length;
      groups.push(new Int32Array(counts[c]));
    }
  }
  const fill = new Int32Array(groups.length);
  for (let i = 0; i < labels.length; i++) {
    const slot = slotOf[labels[i]];
    groups[slot][fill[slot]++] = i;
  }
  return groups;
}

/**
 * Splits `total` draws among classes in proportion to their sizes; the remainders go to the classes
 * with the largest fractional parts, ties broken at random: scikit-learn's _approximate_mode, step
 * for step, so that the same generator gives the same split.
 */
function approximateMode(classSizes: number[], total: number, random: Random): number[] {
  const n = classSizes.reduce((a, b) => a + b, 0);
  const continuous = classSizes.map((size) => (size / n) * total);
  const counts = continuous.map((value) => Math.floor(value));
  let needed = total - counts.reduce((a, b) => a + b, 0);
  if (needed > 0) {
    const remainder = continuous.map((value, c) => value - counts[c]);
    const levels = [...new Set(remainder)].sort((a, b) => b - a);
    for (const level of levels) {
      const classes = Int32Array.from(remainder.flatMap((value, c) => (value === level ? [c] : [])));
      const chosen = shuffleInPlace(classes, random).subarray(0, Math.min(classes.length, needed));
      for (const c of chosen) counts[c]++;
      needed -= chosen.length;
      if (needed === 0) break;
    }
  }
  return counts;
}

/**
 * Shuffled split that keeps each class's share equal in both parts (scikit-learn's
 * StratifiedShuffleSplit, including the order in which it draws random numbers).
 */
export function stratifiedTrainTestSplit(
  labels: Int32Array,
  testFraction: number,
  random: Random,
): TrainTestIndices {
  const n = labels.length;
  const nTest = testSize(n, testFraction);
  const groups = groupByClass(labels);
  if (groups.length < 2) throw new RangeError('a stratified split needs at least two classes');
  const sizes = groups.map((g) => g.length);
  const trainCounts = approximateMode(sizes, n - nTest, random);
  const testCounts = approximateMode(
    sizes.map((size, c) => size - trainCounts[c]),
    nTest,
    random,
  );
  const train = new Int32Array(n - nTest);
  const test = new Int32Array(nTest);
  let t = 0;
  let r = 0;
  groups.forEach((group, c) => {
    const order = permutation(group.length, random);
    for (let i = 0; i < trainCounts[c]; i++) train[r++] = group[order[i]];
    for (let i = 0; i < testCounts[c]; i++) test[t++] = group[order[trainCounts[c] + i]];
  });
  return { train: shuffleInPlace(train, random), test: shuffleInPlace(test, random) };
}

function foldsFromAssignment(foldOf: Int32Array, k: number): TrainTestIndices[] {
  const sizes = new Int32Array(k);
  for (let i = 0; i < foldOf.length; i++) sizes[foldOf[i]]++;
  return Array.from({ length: k }, (_, f) => {
    const test = new Int32Array(sizes[f]);
    const train = new Int32Array(foldOf.length - sizes[f]);
    let t = 0;
    let r = 0;
    for (let i = 0; i < foldOf.length; i++) {
      if (foldOf[i] === f) test[t++] = i;
      else train[r++] = i;
    }
    return { train, test };
  });
}

/** Shuffled k-fold: the first n mod k folds hold one extra sample. Indices inside a fold ascend. */
export function kFold(n: number, k: number, random: Random): TrainTestIndices[] {
  if (!Number.isInteger(k) || k < 2 || k > n) throw new RangeError(`cannot make ${k} folds of ${n} samples`);
  const order = permutation(n, random);
  const foldOf = new Int32Array(n);
  let position = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    for (let i = 0; i < size; i++) foldOf[order[position++]] = f;
  }
  return foldsFromAssignment(foldOf, k);
}

/**
 * Shuffled stratified k-fold, as scikit-learn's StratifiedKFold: each class gets the fold sizes of
 * dealing the label-sorted samples round-robin, and its fold numbers are shuffled.
 */
export function stratifiedKFold(labels: Int32Array, k: number, random: Random): TrainTestIndices[] {
  const n = labels.length;
  if (!Number.isInteger(k) || k < 2 || k > n) throw new RangeError(`cannot make ${k} folds of ${n} samples`);
  const groups = groupByClass(labels);
  const allocation = groups.map(() => new Int32Array(k));
  let position = 0;
  groups.forEach((group, c) => {
    for (let i = 0; i < group.length; i++) allocation[c][(position + i) % k]++;
    position += group.length;
  });
  const foldOf = new Int32Array(n);
  groups.forEach((group, c) => {
    const folds = new Int32Array(group.length);
    let at = 0;
    for (let f = 0; f < k; f++) for (let i = 0; i < allocation[c][f]; i++) folds[at++] = f;
    shuffleInPlace(folds, random);
    for (let i = 0; i < group.length; i++) foldOf[group[i]] = folds[i];
  });
  return foldsFromAssignment(foldOf, k);
}
