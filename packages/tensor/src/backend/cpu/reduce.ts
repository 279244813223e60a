/**
 * Reference reductions and scans. The reduced axes are moved last, so each output element is a
 * consecutive run of the offset list.
 * @packageDocumentation
 */
import type { DType, TypedArray } from '../../dtype.js';
import { numelOf, type View } from '../../shape.js';
import type { ReduceOp, ScanOp } from '../backend.js';
import { offsets, permuteView } from './strided.js';
import { takeArray } from './array-pool.js';

function splitAxes(v: View, axes: readonly number[]): { perm: number[]; inner: number } {
  const kept = v.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const inner = axes.reduce((acc, a) => acc * v.shape[a]!, 1);
  return { perm: [...kept, ...axes], inner };
}

/** Reduces `axes` of `x` (they are removed from the output shape). */
export function reduceKernel(op: ReduceOp, x: TypedArray, xv: View, axes: readonly number[], outDtype: DType): TypedArray {
  const { perm, inner } = splitAxes(xv, axes);
  const off = offsets(permuteView(xv, perm));
  const outer = inner === 0 ? numelOf(perm.slice(0, perm.length - axes.length).map((p) => xv.shape[p]!)) : off.length / inner;
  const out = takeArray(outDtype, outer);
  for (let o = 0; o < outer; o++) {
    const base = o * inner;
    switch (op) {
      case 'sum': {
        let s = 0;
        for (let i = 0; i < inner; i++) s += x[off[base + i]!]!;
        out[o] = s;
        break;
      }
      case 'prod': {
        let s = 1;
        for (let i = 0; i < inner; i++) s *= x[off[base + i]!]!;
        out[o] = s;
        break;
      }
      case 'max':
      case 'min':
      case 'argmax':
      case 'argmin': {
        const isMax = op === 'max' || op === 'argmax';
        let best = x[off[base]!]!;
        let bi = 0;
        for (let i = 1; i < inner && !Number.isNaN(best); i++) {
          const v = x[off[base + i]!]!;
          if (Number.isNaN(v) || (isMax ? v > best : v < best)) {
            best = v;
            bi = i;
          }
        }
        out[o] = op === 'max' || op === 'min' ? best : bi;
        break;
      }
    }
  }
  return out;
}

/** Cumulative op along `axis`; cummax/cummin also return the index of the running extreme. */
export function scanKernel(op: ScanOp, x: TypedArray, xv: View, axis: number, outDtype: DType): { values: TypedArray; indices?: Int32Array } {
  const nd = xv.shape.length;
  const perm = [...Array(nd).keys()].filter((i) => i !== axis).concat(nd === 0 ? [] : [axis]);
  const len = nd === 0 ? 1 : xv.shape[axis]!;
  const off = offsets(permuteView(xv, perm));
  const n = off.length;
  // outputs are produced in the permuted order, then written back to the natural order
  const vals = takeArray(outDtype, n);
  const idx = op === 'cummax' || op === 'cummin' ? new Int32Array(n) : undefined;
  const outStrideAxis = xv.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const natural = (p: number): number => {
    // position p in permuted order → position in natural row-major order
    const line = Math.floor(p / len);
    const k = p % len;
    const outerAfter = outStrideAxis;
    const hi = Math.floor(line / outerAfter);
    const lo = line % outerAfter;
    return hi * len * outerAfter + k * outerAfter + lo;
  };
  for (let start = 0; start < n; start += len) {
    let acc = op === 'cumprod' ? 1 : op === 'cumsum' ? 0 : x[off[start]!]!;
    let ai = 0;
    for (let k = 0; k < len; k++) {
      const v = x[off[start + k]!]!;
      if (op === 'cumsum') acc += v;
      else if (op === 'cumprod') acc *= v;
      // as PyTorch: every NaN (also a later one) becomes the running extreme and its index
      else if (k > 0 && (Number.isNaN(v) || (!Number.isNaN(acc) && (op === 'cummax' ? v >= acc : v <= acc)))) {
        acc = v;
        ai = k;
      }
      const dst = natural(start + k);
      vals[dst] = acc;
      if (idx) idx[dst] = ai;
    }
  }
  return idx ? { values: vals, indices: idx } : { values: vals };
}
