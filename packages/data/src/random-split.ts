/**
 * randomSplit: non-overlapping random Subsets of given lengths or fractions.
 * @packageDocumentation
 */
import type { MapDataset } from './dataset.js';
import { DataValueError } from './errors.js';
import { globalGenerator, randperm, type RandomGenerator } from './random.js';
import { Subset } from './subset.js';

/** Python's math.isclose with its default rel_tol=1e-9, abs_tol=0. */
const isClose = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));

/**
 * torch.utils.data.random_split. `lengths` are counts, or fractions summing to 1: each split gets
 * `floor(len × fraction)` items and the remainder is dealt round-robin from the first split,
 * exactly PyTorch's rule (so `[0.8, 0.2]` of 10 items is `[8, 2]` and `[1/3, 1/3, 1/3]` of 10 is
 * `[4, 3, 3]`). The permutation comes from `generator` (default: the global generator).
 */
export function randomSplit<T>(dataset: MapDataset<T>, lengths: readonly number[], options: { generator?: RandomGenerator } = {}): Subset<T>[] {
  const n = dataset.length;
  let sizes = [...lengths];
  const total = sizes.reduce((a, b) => a + b, 0);
  if (isClose(total, 1) && total <= 1) {
    sizes = lengths.map((frac, i) => {
      if (frac < 0 || frac > 1) throw new DataValueError(`randomSplit: Fraction at index ${i} is not between 0 and 1 (got ${frac})`);
      return Math.floor(n * frac);
    });
    const remainder = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) sizes[i % sizes.length]! += 1;
    sizes.forEach((s, i) => {
      if (s === 0) console.warn(`randomSplit: Length of split at index ${i} is 0. This might result in an empty dataset.`);
    });
  }
  if (sizes.some((s) => !Number.isInteger(s) || s < 0)) throw new DataValueError(`randomSplit: lengths must be non-negative integers or fractions summing to 1, got [${lengths.join(', ')}]`);
  if (sizes.reduce((a, b) => a + b, 0) !== n) {
    throw new DataValueError(`randomSplit: Sum of input lengths (${sizes.reduce((a, b) => a + b, 0)}) does not equal the length of the input dataset (${n})!`);
  }
  const perm = randperm(n, options.generator ?? globalGenerator());
  let offset = 0;
  return sizes.map((len) => new Subset(dataset, perm.slice(offset, (offset += len))));
}
