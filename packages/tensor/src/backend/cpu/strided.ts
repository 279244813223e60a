/**
 * Strided iteration for the CPU reference kernels: turns any view (broadcast, transposed,
 * negative-stride, overlapping) into a flat list of storage offsets in row-major order.
 * @packageDocumentation
 */
import type { View } from '../../shape.js';
import { isContiguousView, numelOf } from '../../shape.js';

/** Storage offsets of every element of `v` in row-major order. Fast path for contiguous views. */
export function offsets(v: View): Int32Array {
  const n = numelOf(v.shape);
  const out = new Int32Array(n);
  if (n === 0) return out;
  if (isContiguousView(v)) {
    for (let i = 0; i < n; i++) out[i] = v.offset + i;
    return out;
  }
  const nd = v.shape.length;
  const shape = v.shape;
  const strides = v.strides;
  const idx = new Int32Array(nd);
  const last = nd - 1;
  const nLast = shape[last]!;
  const sLast = strides[last]!;
  let base = v.offset;
  let i = 0;
  for (;;) {
    for (let k = 0; k < nLast; k++) out[i++] = base + k * sLast;
    if (i >= n) break;
    let d = last - 1;
    for (; d >= 0; d--) {
      idx[d]!++;
      base += strides[d]!;
      if (idx[d]! < shape[d]!) break;
      base -= idx[d]! * strides[d]!;
      idx[d] = 0;
    }
  }
  return out;
}

/** A view with dims reordered by `perm` (used to move reduced/scanned axes last). */
export function permuteView(v: View, perm: readonly number[]): View {
  return { shape: perm.map((p) => v.shape[p]!), strides: perm.map((p) => v.strides[p]!), offset: v.offset };
}
