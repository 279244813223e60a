/**
 * SequentialSampler: 0, 1, …, n-1.
 * @packageDocumentation
 */
import { Sampler } from './sampler.js';

/** torch.utils.data.SequentialSampler over a dataset (anything with a `length`). */
export class SequentialSampler extends Sampler<number> {
  constructor(readonly dataSource: { readonly length: number }) {
    super();
  }

  *[Symbol.iterator](): Iterator<number> {
    for (let i = 0; i < this.dataSource.length; i++) yield i;
  }

  get length(): number {
    return this.dataSource.length;
  }
}
