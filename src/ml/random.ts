/**
 * A seeded pseudo-random generator (mulberry32). Every random choice in src/ml takes one of these
 * as an argument, so a seed fully determines a model.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, bound). */
  nextInt(bound: number): number;
  /** Uniform unsigned 32-bit integer, used to seed child generators. */
  nextUint32(): number;
}

/** A mulberry32 generator whose whole state is one 32-bit number. */
export interface StatefulRandom extends Random {
  /** The current state: createRandom(state) continues with the very draws this one would make. */
  state(): number;
}

export function createRandom(seed: number): StatefulRandom {
  let state = seed >>> 0;
  const nextUint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const next = (): number => nextUint32() / 4294967296;
  return {
    next,
    nextUint32,
    nextInt: (bound) => Math.floor(next() * bound),
    state: () => state,
  };
}

/** Fisher–Yates shuffle in place. */
export function shuffleInPlace(values: Int32Array, random: Random): Int32Array {
  for (let i = values.length - 1; i > 0; i--) {
    const j = random.nextInt(i + 1);
    const swap = values[i];
    values[i] = values[j];
    values[j] = swap;
  }
  return values;
}

export function permutation(n: number, random: Random): Int32Array {
  const values = new Int32Array(n);
  for (let i = 0; i < n; i++) values[i] = i;
  return shuffleInPlace(values, random);
}

const MT_N = 624;
const MT_M = 397;

/**
 * numpy's legacy RandomState(seed) generator: MT19937 with numpy's seeding, bounded integers by
 * masked rejection (random_interval) and doubles from two 32-bit draws. Shuffles and permutations
 * made with it equal numpy's for the same seed, so the train/test splits and folds of this package
 * are the very ones scikit-learn makes with that random_state, and a comparison with scikit-learn
 * measures the models, not the luck of the split.
 */
export function createNumpyRandom(seed: number): Random {
  const mt = new Uint32Array(MT_N);
  let index = MT_N;
  let s = seed >>> 0;
  for (let i = 0; i < MT_N; i++) {
    mt[i] = s;
    s = (Math.imul(1812433253, s ^ (s >>> 30)) + i + 1) >>> 0;
  }
  const twist = () => {
    for (let k = 0; k < MT_N; k++) {
      const y = (mt[k] & 0x80000000) | (mt[(k + 1) % MT_N] & 0x7fffffff);
      mt[k] = mt[(k + MT_M) % MT_N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    index = 0;
  };
  const nextUint32 = (): number => {
    if (index >= MT_N) twist();
    let y = mt[index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  };
  return {
    nextUint32,
    next: () => {
      const a = nextUint32() >>> 5;
      const b = nextUint32() >>> 6;
      return (a * 67108864 + b) / 9007199254740992;
    },
    nextInt: (bound) => {
      const max = bound - 1;
      if (max <= 0) return 0;
      if (max > 0xffffffff) throw new RangeError('bound above 2^32 is not supported');
      let mask = max;
      mask |= mask >>> 1;
      mask |= mask >>> 2;
      mask |= mask >>> 4;
      mask |= mask >>> 8;
      mask |= mask >>> 16;
      let value: number;
      do value = (nextUint32() & mask) >>> 0;
      while (value > max);
      return value;
    },
  };
}
