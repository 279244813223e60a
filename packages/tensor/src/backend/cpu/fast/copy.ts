/**
 * Materialising a view (`contiguous`, `read`): a run-wise strided copy (runs.ts) for any dtype.
 * Overlapping windows (the im2col views of convolutions and pooling) and transposes are the main
 * users; the reference builds an offset per element first.
 * @packageDocumentation
 */
import type { TypedArray } from '../../../dtype.js';
import { contiguousStrides, type View } from '../../../shape.js';
import { forEachRun } from './runs.js';

/** Copies the elements of view `xv` of `x` in row-major order into `out` (which has their count). */
export function copyView(x: TypedArray, xv: View, out: TypedArray): void {
  forEachRun(xv.shape, [0, xv.offset], [contiguousStrides(xv.shape), xv.strides], (n, base, step) => {
    const io = base[0]!;
    let ix = base[1]!;
    const sx = step[1]!;
    if (sx === 1) out.set(x.subarray(ix, ix + n), io);
    // a broadcast run (an expanded gradient of a sum or mean): one native fill
    else if (sx === 0) out.fill(x[ix]!, io, io + n);
    else for (let i = 0; i < n; i++, ix += sx) out[io + i] = x[ix]!;
  });
}
