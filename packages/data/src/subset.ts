/**
 * Subset: a view of a dataset at chosen indices.
 * @packageDocumentation
 */
import { Dataset, type MapDataset } from './dataset.js';
import { DataIndexError } from './errors.js';

/** torch.utils.data.Subset: `getItem(i)` is `dataset.getItem(indices[i])`. */
export class Subset<T = unknown> extends Dataset<T> {
  constructor(readonly dataset: MapDataset<T>, readonly indices: readonly number[]) {
    super();
  }

  override getItem(index: number): T {
    // Negative indices count from the end, as Python list indexing does.
    const i = this.indices[index < 0 ? this.indices.length + index : index];
    if (i === undefined) throw new DataIndexError(`Subset.getItem: index ${index} is out of range for a subset of length ${this.indices.length}`);
    return this.dataset.getItem(i);
  }

  override get length(): number {
    return this.indices.length;
  }
}
