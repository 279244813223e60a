/**
 * Embedding lookup and one-hot encoding.
 * @packageDocumentation
 */
import { DTypeError, IndexError, ShapeError, ValueError, fmtShape, noGrad, where, zeros, type Tensor } from '@kiln/tensor';

/** Keyword arguments of embedding. */
export interface EmbeddingOptions {
  /** Rows looked up at this index get no gradient (they stay at their value, usually zeros). */
  paddingIdx?: number | null;
  /** Rows looked up are renormalised in place to at most this `normType`-norm before the lookup. */
  maxNorm?: number | null;
  /** The norm used by `maxNorm` (default 2). */
  normType?: number;
  /** Accepted for signature compatibility; Kiln has no sparse gradients and ignores it. */
  sparse?: boolean;
}

/** Looks up rows of `weight` [num, dim] at int32 `input` indices of any shape → [*input.shape, dim]. */
export function embedding(input: Tensor, weight: Tensor, options: EmbeddingOptions = {}): Tensor {
  if (input.dtype !== 'int32') throw new DTypeError(`embedding: expected indices of dtype int32 (PyTorch's int64/long), but got ${input.dtype} (shape ${fmtShape(input.shape)}); convert with .long()`);
  if (weight.ndim !== 2) throw new ShapeError(`embedding: weight must be 2-D [num_embeddings, embedding_dim], but got ${fmtShape(weight.shape)}`);
  const num = weight.shape[0]!;
  let pad = options.paddingIdx ?? null;
  if (pad !== null) {
    if (pad >= num || pad < -num) throw new ValueError(`embedding: Padding_idx must be within num_embeddings (${num}), got ${pad}`);
    if (pad < 0) pad += num;
  }
  const flat = input.flatten();
  if (input.device.type === 'cpu') {
    for (const v of flat.dataSync()) if (v < 0 || v >= num) throw new IndexError(`embedding: index ${v} is out of range for an embedding of ${num} rows (weight ${fmtShape(weight.shape)})`);
  }
  if (options.maxNorm !== undefined && options.maxNorm !== null) {
    const maxNorm = options.maxNorm;
    noGrad(() => {
      const rows = weight.indexSelect(0, flat);
      const norms = rows.norm(options.normType ?? 2, 1, { keepdim: true });
      const scale = where(norms.gt(maxNorm), norms.add(1e-7).reciprocal().mul(maxNorm), 1);
      weight.indexPut_([flat], rows.mul(scale));
    });
  }
  let rows = weight.indexSelect(0, flat);
  if (pad !== null) rows = where(flat.eq(pad).unsqueeze(1), rows.detach(), rows);
  return rows.reshape([...input.shape, weight.shape[1]!]);
}

/** int32 one-hot encoding [*, numClasses] of int32 class indices; numClasses -1 uses max + 1. */
export function oneHot(tensor: Tensor, numClasses = -1): Tensor {
  if (tensor.dtype !== 'int32') throw new DTypeError(`oneHot: one_hot is only applicable to index tensor (int32, PyTorch's int64), got ${tensor.dtype}`);
  let C = numClasses;
  if (C === -1) {
    if (tensor.numel() === 0) throw new ValueError('oneHot: Can not infer total number of classes from empty tensor.');
    C = (tensor.max().item() as number) + 1;
  }
  if (tensor.numel() > 0) {
    if ((tensor.min().item() as number) < 0) throw new ValueError('oneHot: Class values must be non-negative.');
    if ((tensor.max().item() as number) >= C) throw new ValueError(`oneHot: Class values must be smaller than num_classes (${C}).`);
  }
  const out = zeros([...tensor.shape, C], { dtype: 'int32', device: tensor.device });
  return out.scatter(tensor.ndim, tensor.unsqueeze(-1), 1);
}
