import { describe, expect, it } from 'vitest';
import {
  conformalHalfWidth,
  conformalInterval,
  intervalCoverage,
  log1pConformalInterval,
  log1pResiduals,
} from '../../src/ml/conformal.js';
import { createRandom } from '../../src/ml/random.js';

/** A standard normal draw (Box–Muller). */
function normal(random: ReturnType<typeof createRandom>): number {
  return Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
}

describe('split-conformal intervals', () => {
  it('takes the ⌈(n + 1) · coverage⌉-th smallest absolute residual', () => {
    const residuals = [-5, 1, 2, -3, 4, 6, -7, 8, 9];
    // n = 9, coverage 0.8: rank ⌈10 · 0.8⌉ = 8 of |residuals| sorted 1..9.
    expect(conformalHalfWidth(residuals, 0.8)).toBe(8);
    expect(conformalHalfWidth(residuals, 0.95)).toBe(Number.POSITIVE_INFINITY);
    expect(() => conformalHalfWidth(residuals, 1)).toThrow(RangeError);
  });

  it('covers close to the nominal share of held-out samples', () => {
    const random = createRandom(21);
    const calibration = Array.from({ length: 2000 }, () => 3 * normal(random));
    const halfWidth = conformalHalfWidth(calibration, 0.9);
    const predictions = Array.from({ length: 5000 }, () => random.next() * 100);
    const actual = predictions.map((p) => p + 3 * normal(random));
    const coverage = intervalCoverage(
      actual,
      predictions.map((p) => conformalInterval(p, halfWidth)),
    );
    expect(coverage).toBeGreaterThan(0.88);
    expect(coverage).toBeLessThan(0.92);
  });

  it('on the log1p scale: asymmetric, never below zero, and near nominal for multiplicative noise', () => {
    const random = createRandom(22);
    const draw = (n: number) => {
      const predicted = Array.from({ length: n }, () => Math.expm1(random.next() * 4));
      // Popularity-like: never below zero.
      const actual = predicted.map((p) => Math.max(0, Math.expm1(Math.log1p(p) + 0.8 * normal(random))));
      return { predicted, actual };
    };
    const calibration = draw(2000);
    const halfWidth = conformalHalfWidth(log1pResiduals(calibration.actual, calibration.predicted), 0.8);
    const heldOut = draw(5000);
    const intervals = heldOut.predicted.map((p) => log1pConformalInterval(p, halfWidth));
    const coverage = intervalCoverage(heldOut.actual, intervals);
    expect(coverage).toBeGreaterThan(0.78);
    expect(coverage).toBeLessThan(0.82);
    expect(intervals.every((interval) => interval.lower >= 0)).toBe(true);
    const { lower, upper } = log1pConformalInterval(10, halfWidth);
    expect(upper - 10).toBeGreaterThan(10 - lower);
  });
});

describe('conformal half-width by selection', () => {
  it('is the very order statistic a full sort gives, ties and all', () => {
    const random = createRandom(7);
    for (let t = 0; t < 500; t++) {
      const n = 1 + random.nextInt(200);
      const residuals = Float64Array.from({ length: n }, () =>
        random.next() < 0.3 ? Math.round(random.next() * 5) - 2 : random.next() * 10 - 5,
      );
      for (const coverage of [0.1, 0.5, 0.8, 0.95]) {
        const rank = Math.ceil((n + 1) * coverage);
        const sorted = Float64Array.from(residuals, Math.abs).sort();
        const expected = rank > n ? Number.POSITIVE_INFINITY : sorted[rank - 1];
        expect(conformalHalfWidth(residuals, coverage)).toBe(expected);
      }
    }
  });
});
