/**
 * Helpers shared by gradient rules.
 * @packageDocumentation
 */
import { arange, full, noGrad, type Tensor } from '@kiln/tensor';

/**
 * Reduces a broadcast gradient back to `shape`: sums the leading dims broadcasting added and the
 * dims that were 1 in the input (PyTorch's sum_to).
 */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (g.ndim === shape.length && g.shape.every((s, i) => s === shape[i])) return g;
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  }
  const r = dims.length > 0 ? g.sum(dims, { keepdim: true }) : g;
  return r.reshape([...shape]);
}

/** `g` reduced to an input's shape and cast to its dtype (inputs were promoted before the op). */
export function toInput(g: Tensor, info: { shape: readonly number[]; dtype: Tensor['dtype'] }): Tensor {
  const r = sumToShape(g, info.shape);
  return r.dtype === info.dtype ? r : r.to(info.dtype);
}

/**
 * For a view `v` of `base` (same storage): the flat index into `base` of every element of `v`
 * (int32, shape of `v`). Built by writing `0..n-1` through `base`'s geometry into a scratch
 * buffer laid out like the storage, then reading it back through `v`'s geometry — this handles
 * any strides, including the overlapping windows of asStrided/unfold. Entries are -1 where `v`
 * reaches storage that `base` does not cover.
 */
export function viewIndex(base: Geometry, v: { shape: readonly number[]; strides: readonly number[]; offset: number }): Tensor {
  return noGrad(() => {
    const n = base.shape.reduce((p, c) => p * c, 1);
    const buf = full([base.storageNumel], -1, { dtype: 'int32', device: base.device });
    buf.asStrided(base.shape, base.strides, base.offset).copy_(arange(n, { dtype: 'int32', device: base.device }).reshape([...base.shape]));
    return buf.asStrided(v.shape, v.strides, v.offset).contiguous();
  });
}

/** Where a tensor's elements live in its storage. */
export interface Geometry {
  shape: number[];
  strides: number[];
  offset: number;
  storageNumel: number;
  device: Tensor['device'];
}

/** The geometry of tensor `t` for {@link viewIndex}. */
export function geometryOf(t: Tensor): Geometry {
  return { shape: t.shape, strides: t.strides, offset: t.storageOffset(), storageNumel: t.storage.numel, device: t.device };
}

/**
 * Scatters the gradient of a view back onto its base (shape `baseShape`): each element of `g`
 * is added at `idx` (flat base indices). Overlapping windows add up. With `dropOutside`, entries
 * of -1 (storage the base does not cover, possible with asStrided) are dropped.
 */
export function scatterToBase(g: Tensor, idx: Tensor, baseShape: readonly number[], dropOutside = false): Tensor {
  const n = baseShape.reduce((p, c) => p * c, 1);
  const flatIdx = idx.reshape([-1]);
  let flatG = g.reshape([-1]);
  let safeIdx = flatIdx;
  if (dropOutside) {
    const inside = noGrad(() => flatIdx.ge(0));
    flatG = flatG.where(inside, 0);
    safeIdx = noGrad(() => flatIdx.clamp({ min: 0 }));
  }
  const zero = full([n], 0, { dtype: g.dtype, device: g.device });
  return zero.scatterAdd(0, safeIdx, flatG).reshape([...baseShape]);
}
