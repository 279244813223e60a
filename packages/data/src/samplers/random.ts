/**
 * RandomSampler: a random permutation (or draws with replacement) per pass.
 * @packageDocumentation
 */
import { DataValueError } from '../errors.js';
import { drawSeed, globalGenerator, randint, randperm, seededGenerator, type RandomGenerator } from '../random.js';
import { Sampler } from './sampler.js';

/** Options of RandomSampler (PyTorch's keyword arguments). */
export interface RandomSamplerOptions {
  /** Draw with replacement (default false). */
  replacement?: boolean;
  /** How many indices per pass (default: the dataset length). */
  numSamples?: number;
  /** Source of randomness; default: a generator seeded from the global one at each pass. */
  generator?: RandomGenerator;
}

/**
 * torch.utils.data.RandomSampler, same algorithm as PyTorch 1.13: without a generator, each pass
 * seeds a fresh generator from the global one; without replacement it yields whole permutations
 * (`numSamples / n` of them, then a truncated one); with replacement it draws `randint` in chunks of 32.
 */
export class RandomSampler extends Sampler<number> {
  readonly replacement: boolean;
  readonly generator: RandomGenerator | undefined;
  private readonly numSamplesOpt: number | undefined;

  constructor(readonly dataSource: { readonly length: number }, options: RandomSamplerOptions = {}) {
    super();
    this.replacement = options.replacement ?? false;
    this.numSamplesOpt = options.numSamples;
    this.generator = options.generator;
    if (options.numSamples !== undefined && (!Number.isInteger(options.numSamples) || options.numSamples <= 0)) {
      throw new DataValueError(`RandomSampler: numSamples should be a positive integer value, but got numSamples=${options.numSamples}`);
    }
  }

  /** Indices per pass. */
  get numSamples(): number {
    return this.numSamplesOpt ?? this.dataSource.length;
  }

  *[Symbol.iterator](): Iterator<number> {
    const n = this.dataSource.length;
    const g = this.generator ?? seededGenerator(drawSeed(globalGenerator()));
    const m = this.numSamples;
    if (this.replacement) {
      for (let k = 0; k < Math.floor(m / 32); k++) yield* randint(n, 32, g);
      yield* randint(n, m % 32, g);
    } else {
      for (let k = 0; k < Math.floor(m / n); k++) yield* randperm(n, g);
      yield* randperm(n, g).slice(0, m % n);
    }
  }

  get length(): number {
    return this.numSamples;
  }
}
