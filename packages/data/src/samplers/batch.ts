/**
 * BatchSampler: groups a sampler's indices into lists.
 * @packageDocumentation
 */
import { DataValueError } from '../errors.js';
import { Sampler } from './sampler.js';

/** torch.utils.data.BatchSampler(sampler, batchSize, dropLast). */
export class BatchSampler extends Sampler<number[]> {
  constructor(readonly sampler: Iterable<number> & { readonly length: number }, readonly batchSize: number, readonly dropLast: boolean) {
    super();
    if (!Number.isInteger(batchSize) || batchSize <= 0) {
      throw new DataValueError(`BatchSampler: batchSize should be a positive integer value, but got batchSize=${batchSize}`);
    }
    if (typeof dropLast !== 'boolean') throw new DataValueError(`BatchSampler: dropLast should be a boolean value, but got dropLast=${String(dropLast)}`);
  }

  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const i of this.sampler) {
      batch.push(i);
      if (batch.length === this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }

  get length(): number {
    const n = this.sampler.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }
}
