/**
 * ConcatDataset: several map-style datasets read as one.
 * @packageDocumentation
 */
import { Dataset, isMapDataset, type MapDataset } from './dataset.js';
import { DataIndexError, DataValueError } from './errors.js';

/** torch.utils.data.ConcatDataset. `cumulativeSizes` is PyTorch's `cumulative_sizes`. */
export class ConcatDataset<T = unknown> extends Dataset<T> {
  /** End offset of each dataset in the concatenation. */
  readonly cumulativeSizes: number[];

  constructor(readonly datasets: readonly MapDataset<T>[]) {
    super();
    if (datasets.length === 0) throw new DataValueError('ConcatDataset: datasets should not be an empty iterable');
    datasets.forEach((d, i) => {
      if (!isMapDataset(d)) throw new DataValueError(`ConcatDataset: dataset ${i} is not map-style (needs getItem and length); ConcatDataset does not support IterableDataset, use ChainDataset`);
    });
    let sum = 0;
    this.cumulativeSizes = datasets.map((d) => (sum += d.length));
  }

  override getItem(index: number): T {
    const n = this.length;
    if (index < 0) {
      if (-index > n) throw new DataIndexError(`ConcatDataset.getItem: absolute value of index ${index} should not exceed dataset length ${n}`);
      index += n;
    }
    if (index >= n) throw new DataIndexError(`ConcatDataset.getItem: index ${index} is out of range for a dataset of length ${n}`);
    // Binary search (bisect_right) for the dataset holding `index`.
    let lo = 0, hi = this.cumulativeSizes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulativeSizes[mid]! <= index) lo = mid + 1;
      else hi = mid;
    }
    const start = lo === 0 ? 0 : this.cumulativeSizes[lo - 1]!;
    return this.datasets[lo]!.getItem(index - start);
  }

  override get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1]!;
  }
}
