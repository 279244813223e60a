/**
 * WeightedRandomSampler: indices drawn with probability proportional to weights.
 * @packageDocumentation
 */
import { DataValueError } from '../errors.js';
import { globalGenerator, type RandomGenerator } from '../random.js';
import { Sampler } from './sampler.js';

/**
 * torch.utils.data.WeightedRandomSampler (`torch.multinomial(weights, numSamples, replacement)`).
 * The distribution is PyTorch's; the exact draws differ because the random streams differ.
 */
export class WeightedRandomSampler extends Sampler<number> {
  readonly weights: Float64Array;
  readonly replacement: boolean;

  constructor(weights: ArrayLike<number>, readonly numSamples: number, options: { replacement?: boolean; generator?: RandomGenerator } = {}) {
    super();
    if (!Number.isInteger(numSamples) || numSamples <= 0) {
      throw new DataValueError(`WeightedRandomSampler: numSamples should be a positive integer value, but got numSamples=${numSamples}`);
    }
    this.weights = Float64Array.from(weights);
    if (this.weights.length === 0 || this.weights.some((w) => !(w >= 0) || !Number.isFinite(w))) {
      throw new DataValueError('WeightedRandomSampler: weights must be a non-empty list of finite, non-negative numbers');
    }
    this.replacement = options.replacement ?? true;
    const positive = this.weights.filter((w) => w > 0).length;
    if (positive === 0) throw new DataValueError('WeightedRandomSampler: invalid multinomial distribution (sum of probabilities <= 0)');
    if (!this.replacement && numSamples > positive) {
      throw new DataValueError(`WeightedRandomSampler: cannot sample n_sample=${numSamples} > prob_dist.size(-1)=${positive} samples without replacement`);
    }
    this.generator = options.generator;
  }

  private readonly generator: RandomGenerator | undefined;

  *[Symbol.iterator](): Iterator<number> {
    const g = this.generator ?? globalGenerator();
    const w = Float64Array.from(this.weights);
    const u = g.uniform(this.numSamples);
    for (let k = 0; k < this.numSamples; k++) {
      // Inverse-CDF draw; without replacement the chosen weight is zeroed afterwards.
      let total = 0;
      for (const x of w) total += x;
      let target = u[k]! * total, i = 0;
      while (i < w.length - 1 && (target >= w[i]! || w[i] === 0)) target -= w[i++]!;
      yield i;
      if (!this.replacement) w[i] = 0;
    }
  }

  get length(): number {
    return this.numSamples;
  }
}
