/**
 * SubsetRandomSampler: a permutation of given indices.
 * @packageDocumentation
 */
import { globalGenerator, randperm, type RandomGenerator } from '../random.js';
import { Sampler } from './sampler.js';

/** torch.utils.data.SubsetRandomSampler: yields `indices[randperm(len)]` each pass. */
export class SubsetRandomSampler extends Sampler<number> {
  constructor(readonly indices: readonly number[], readonly options: { generator?: RandomGenerator } = {}) {
    super();
  }

  *[Symbol.iterator](): Iterator<number> {
    for (const i of randperm(this.indices.length, this.options.generator ?? globalGenerator())) yield this.indices[i]!;
  }

  get length(): number {
    return this.indices.length;
  }
}
