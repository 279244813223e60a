/**
 * ChainDataset: iterable datasets read one after the other.
 * @packageDocumentation
 */
import { IterableDataset, type AnyIterableDataset } from './dataset.js';
import { DataValueError } from './errors.js';

/**
 * torch.utils.data.ChainDataset. Sync iteration needs every part to be sync-iterable; async
 * iteration (`for await`) accepts both kinds.
 */
export class ChainDataset<T = unknown> extends IterableDataset<T> implements Iterable<T>, AsyncIterable<T> {
  constructor(readonly datasets: readonly AnyIterableDataset<T>[]) {
    super();
  }

  *[Symbol.iterator](): Iterator<T> {
    for (const [i, d] of this.datasets.entries()) {
      if (!(Symbol.iterator in d)) throw new DataValueError(`ChainDataset: dataset ${i} is only async-iterable; read the chain with for await … of`);
      yield* d as Iterable<T>;
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (const d of this.datasets) yield* d;
  }

  /** Sum of the parts' lengths, when every part has a numeric `length` (PyTorch's `__len__`). */
  get length(): number {
    let total = 0;
    for (const [i, d] of this.datasets.entries()) {
      const n = (d as { length?: unknown }).length;
      if (typeof n !== 'number') throw new DataValueError(`ChainDataset.length: dataset ${i} has no length`);
      total += n;
    }
    return total;
  }
}
