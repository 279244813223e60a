/**
 * scatter / scatter-add without per-element index arithmetic: the index and source views are
 * walked as runs (runs.ts) together with the destination offset of every non-scattered dim, so
 * each element costs one index load and one add. Max-pool and embedding backward passes are
 * scatter-adds over millions of elements.
 * @packageDocumentation
 */
import type { DType, TypedArray } from '../../../dtype.js';
import { contiguousStrides, numelOf, type View } from '../../../shape.js';
import { copyView } from './copy.js';
import { forEachRun } from './runs.js';
import { takeArray } from '../array-pool.js';

/** A copy of x with `src` written (or added) at `index` along `axis`; same contract as the reference scatterKernel. */
export function scatterRuns(
  x: TypedArray, xv: View, dtype: DType, axis: number, idx: TypedArray, iv: View,
  src: TypedArray, sv: View, mode: 'assign' | 'add',
): TypedArray {
  const out = takeArray(dtype, numelOf(xv.shape));
  copyView(x, xv, out);
  const xs = contiguousStrides(xv.shape);
  const along = xs[axis]!;
  // destination stride per index dim, with the scattered dim's contribution coming from the index value
  const dst = xs.map((s, d) => (d === axis ? 0 : s));
  forEachRun(iv.shape, [iv.offset, sv.offset, 0], [iv.strides, sv.strides.slice(0, iv.shape.length), dst], (n, base, step) => {
    let ii = base[0]!, is = base[1]!, o = base[2]!;
    const si = step[0]!, ss = step[1]!, so = step[2]!;
    if (mode === 'add') for (let t = 0; t < n; t++, ii += si, is += ss, o += so) { const p = o + idx[ii]! * along; out[p] = out[p]! + src[is]!; }
    else for (let t = 0; t < n; t++, ii += si, is += ss, o += so) out[o + idx[ii]! * along] = src[is]!;
  });
  return out;
}
