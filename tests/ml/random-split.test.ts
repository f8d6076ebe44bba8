import { describe, expect, it } from 'vitest';
import { createNumpyRandom, createRandom, permutation } from '../../src/ml/random.js';
import {
  kFold,
  stratifiedKFold,
  stratifiedTrainTestSplit,
  testSize,
  trainTestSplit,
} from '../../src/ml/split.js';

describe('seeded generators', () => {
  it('repeat their sequence for the same seed and differ for another', () => {
    const a = createRandom(7);
    const b = createRandom(7);
    const c = createRandom(8);
    const first = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(first);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(first);
    for (const value of first) expect(value).toBeGreaterThanOrEqual(0);
    for (const value of first) expect(value).toBeLessThan(1);
  });

  it('draw integers below the bound', () => {
    const random = createRandom(1);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(random.nextInt(5));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it("reproduce numpy's RandomState(42)", () => {
    // numpy: RandomState(42).random_sample() and RandomState(42).permutation(10)
    expect(createNumpyRandom(42).next()).toBe(0.3745401188473625);
    expect(Array.from(permutation(10, createNumpyRandom(42)))).toEqual([8, 1, 5, 0, 7, 2, 9, 4, 3, 6]);
  });
});

function sorted(values: Int32Array): number[] {
  return Array.from(values).sort((a, b) => a - b);
}

describe('train/test split', () => {
  it('rounds the test part up, like scikit-learn', () => {
    expect(testSize(10, 0.25)).toBe(3);
    expect(testSize(3947, 0.25)).toBe(987);
    expect(() => testSize(1, 0.25)).toThrow();
  });

  it("equals scikit-learn's train_test_split(range(10), test_size=0.25, random_state=42)", () => {
    const { train, test } = trainTestSplit(10, 0.25, createNumpyRandom(42));
    expect(Array.from(test)).toEqual([8, 1, 5]);
    expect(Array.from(train)).toEqual([0, 7, 2, 9, 4, 3, 6]);
  });

  it('partitions the indices', () => {
    const { train, test } = trainTestSplit(101, 0.25, createRandom(3));
    expect(sorted(new Int32Array([...train, ...test]))).toEqual(Array.from({ length: 101 }, (_, i) => i));
  });

  it('stratified: keeps class shares and covers every index once', () => {
    const labels = Int32Array.from({ length: 100 }, (_, i) => (i < 30 ? 1 : 0));
    const { train, test } = stratifiedTrainTestSplit(labels, 0.25, createRandom(5));
    expect(test.length).toBe(25);
    expect(train.length).toBe(75);
    const positivesInTest = Array.from(test).filter((i) => labels[i] === 1).length;
    expect(positivesInTest === 7 || positivesInTest === 8).toBe(true);
    expect(sorted(new Int32Array([...train, ...test]))).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('stratified: needs two classes', () => {
    expect(() => stratifiedTrainTestSplit(new Int32Array(10), 0.25, createRandom(1))).toThrow(/two classes/);
  });
});

describe('k-fold', () => {
  it("gives the folds of scikit-learn's KFold(5, shuffle=True, random_state=42)", () => {
    const folds = kFold(10, 5, createNumpyRandom(42));
    expect(folds.map((fold) => Array.from(fold.test))).toEqual([
      [1, 8],
      [0, 5],
      [2, 7],
      [4, 9],
      [3, 6],
    ]);
  });

  it('gives the first n mod k folds one more sample and tests each index once', () => {
    const folds = kFold(23, 5, createRandom(2));
    expect(folds.map((fold) => fold.test.length)).toEqual([5, 5, 5, 4, 4]);
    const all = folds.flatMap((fold) => Array.from(fold.test)).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 23 }, (_, i) => i));
    for (const fold of folds) expect(fold.train.length + fold.test.length).toBe(23);
  });

  it('stratified: spreads each class evenly over the folds', () => {
    const labels = Int32Array.from({ length: 50 }, (_, i) => (i % 5 === 0 ? 1 : 0));
    const folds = stratifiedKFold(labels, 5, createRandom(4));
    for (const fold of folds) {
      expect(fold.test.length).toBe(10);
      expect(Array.from(fold.test).filter((i) => labels[i] === 1).length).toBe(2);
    }
  });
});
