/**
 * Randomness for samplers, randomSplit and DataLoader. With @kiln/tensor installed everything
 * draws from its Philox generators (`manualSeed` reproduces shuffles); without it a
 * `Math.random` fallback is used, which cannot be seeded.
 * @packageDocumentation
 */
import type { Generator } from '@kiln/tensor';
import { T } from './tensor-peer.js';

/**
 * What data needs from a generator: @kiln/tensor's `Generator` satisfies it. Structural so that
 * @kiln/data does not need tensor at run time.
 */
export interface RandomGenerator {
  /** `n` uniform doubles in [0, 1). */
  uniform(n: number): Float64Array;
}

const mathRandom: RandomGenerator = { uniform: (n) => Float64Array.from({ length: n }, () => Math.random()) };

/** The global generator (tensor's `defaultGenerator`), or the unseedable fallback. */
export function globalGenerator(): RandomGenerator {
  return T ? T.defaultGenerator : mathRandom;
}

/**
 * PyTorch's `int(torch.empty((), dtype=torch.int64).random_(generator=g))`: a fresh seed drawn
 * from `g` (53 bits here, since JS numbers are doubles).
 */
export function drawSeed(g: RandomGenerator): number {
  return Math.floor(g.uniform(1)[0]! * 2 ** 53);
}

/** A new generator seeded with `seed` (tensor's `Generator`), or the fallback. */
export function seededGenerator(seed: number): RandomGenerator {
  return T ? (new T.Generator(seed) as Generator) : mathRandom;
}

/** torch.randperm(n, generator).tolist(): the same Fisher–Yates walk as @kiln/tensor's randperm. */
export function randperm(n: number, g: RandomGenerator): number[] {
  const u = g.uniform(n);
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(u[i]! * (i + 1));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

/** torch.randint(high, (n,), generator).tolist(): the same mapping as @kiln/tensor's randint. */
export function randint(high: number, n: number, g: RandomGenerator): number[] {
  return Array.from(g.uniform(n), (u) => Math.floor(u * high));
}
