/**
 * Reference gather / scatter / sort along an axis.
 * @packageDocumentation
 */
import type { DType, TypedArray } from '../../dtype.js';
import { contiguousStrides, numelOf, type View } from '../../shape.js';
import { offsets, permuteView } from './strided.js';
import { takeArray } from './array-pool.js';

/** out[...i...] = x[... index[...i...] ... along axis]; out has index's shape. */
export function gatherKernel(x: TypedArray, xv: View, dtype: DType, axis: number, idx: TypedArray, iv: View): TypedArray {
  const shape = iv.shape;
  const n = numelOf(shape);
  const out = takeArray(dtype, n);
  const offI = offsets(iv);
  const cs = contiguousStrides(shape);
  for (let p = 0; p < n; p++) {
    let off = xv.offset;
    let rem = p;
    for (let d = 0; d < shape.length; d++) {
      const c = Math.floor(rem / cs[d]!);
      rem -= c * cs[d]!;
      off += (d === axis ? idx[offI[p]!]! : c) * xv.strides[d]!;
    }
    out[p] = x[off]!;
  }
  return out;
}

/** A contiguous copy of x with src scattered along axis at index (assign or add). */
export function scatterKernel(
  x: TypedArray, xv: View, dtype: DType, axis: number, idx: TypedArray, iv: View,
  src: TypedArray, sv: View, mode: 'assign' | 'add',
): TypedArray {
  const out = takeArray(dtype, numelOf(xv.shape));
  const offX = offsets(xv);
  for (let i = 0; i < out.length; i++) out[i] = x[offX[i]!]!;
  const xs = contiguousStrides(xv.shape);
  const shape = iv.shape;
  const n = numelOf(shape);
  const offI = offsets(iv);
  // src may be larger than index (PyTorch only reads the index-shaped corner)
  const cs = contiguousStrides(shape);
  for (let p = 0; p < n; p++) {
    let o = 0;
    let so = sv.offset;
    let rem = p;
    for (let d = 0; d < shape.length; d++) {
      const c = Math.floor(rem / cs[d]!);
      rem -= c * cs[d]!;
      o += (d === axis ? idx[offI[p]!]! : c) * xs[d]!;
      so += c * sv.strides[d]!;
    }
    if (mode === 'add') out[o] = out[o]! + src[so]!;
    else out[o] = src[so]!;
  }
  return out;
}

/** Stable sort along axis; NaN sorts as the largest value (PyTorch's order). */
export function sortKernel(x: TypedArray, xv: View, dtype: DType, axis: number, descending: boolean): { values: TypedArray; indices: Int32Array } {
  const nd = xv.shape.length;
  const n = numelOf(xv.shape);
  const values = takeArray(dtype, n);
  const indices = new Int32Array(n);
  if (n === 0) return { values, indices };
  const len = nd === 0 ? 1 : xv.shape[axis]!;
  const perm = [...Array(nd).keys()].filter((i) => i !== axis).concat(nd === 0 ? [] : [axis]);
  const off = offsets(permuteView(xv, perm));
  const after = xv.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const key = (v: number): number => (Number.isNaN(v) ? Infinity : v);
  const order = new Array<number>(len);
  for (let start = 0, line = 0; start < n; start += len, line++) {
    for (let k = 0; k < len; k++) order[k] = k;
    const vals = (k: number) => x[off[start + k]!]!;
    order.sort((i, j) => {
      const a = vals(i), b = vals(j);
      const na = Number.isNaN(a), nb = Number.isNaN(b);
      let c: number;
      if (na || nb) c = na && nb ? 0 : na ? 1 : -1;
      else c = key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
      return (descending ? -c : c) || i - j;
    });
    const hi = Math.floor(line / after);
    const lo = line % after;
    for (let k = 0; k < len; k++) {
      const dst = hi * len * after + k * after + lo;
      values[dst] = vals(order[k]!);
      indices[dst] = order[k]!;
    }
  }
  return { values, indices };
}
