/**
 * TensorDataset: samples are the i-th rows of equally long tensors.
 * @packageDocumentation
 */
import type { Tensor } from '@kiln/tensor';
import { Dataset } from './dataset.js';
import { DataIndexError, DataValueError } from './errors.js';

/** torch.utils.data.TensorDataset: `getItem(i)` returns `[t0[i], t1[i], …]` (views). */
export class TensorDataset extends Dataset<Tensor[]> {
  /** The wrapped tensors. */
  readonly tensors: readonly Tensor[];

  constructor(...tensors: Tensor[]) {
    super();
    if (tensors.length === 0) throw new DataValueError('TensorDataset: pass at least one tensor');
    const n = tensors[0]!.shape[0];
    tensors.forEach((t, i) => {
      if (t.shape.length === 0 || t.shape[0] !== n) {
        throw new DataValueError(`TensorDataset: Size mismatch between tensors: tensor 0 has ${n} rows but tensor ${i} has shape [${t.shape.join(', ')}]; all tensors need the same size in dim 0`);
      }
    });
    this.tensors = tensors;
  }

  override getItem(index: number): Tensor[] {
    const n = this.length;
    if (!Number.isInteger(index) || index < -n || index >= n) throw new DataIndexError(`TensorDataset.getItem: index ${index} is out of range for a dataset of length ${n}`);
    return this.tensors.map((t) => t.select(0, index));
  }

  override get length(): number {
    return this.tensors[0]!.shape[0]!;
  }
}
