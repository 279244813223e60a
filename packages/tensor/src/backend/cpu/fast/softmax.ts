/**
 * Fused float32 softmax / logSoftmax along one dim (overrides of functional's ops): per line, one
 * pass for the max, one for exp and the sum, one to scale — in double precision, writing each
 * output once — instead of the decomposition's five full-size ops (amax, sub, exp, sum, div), each
 * allocating and rounding an intermediate.
 *
 * Non-finite maxima give NaN for the whole line, as the decomposition does (x − max is NaN there).
 * @packageDocumentation
 */
import { numelOf } from '../../../shape.js';
import { takeF32 } from '../array-pool.js';
import type { Dense } from './conv2d.js';

/** softmax (`log` false) or logSoftmax (`log` true) of contiguous `x` along `dim`. */
export function softmaxF32(x: Dense, dim: number, log: boolean): { data: Float32Array; shape: number[] } {
  const shape = [...x.shape];
  const d = dim < 0 ? dim + shape.length : dim;
  const len = shape.length === 0 ? 1 : shape[d]!;
  const inner = numelOf(shape.slice(d + 1));
  const n = numelOf(shape);
  const outer = len === 0 || inner === 0 ? 0 : n / (len * inner);
  const out = takeF32(n, false); // every element is written
  const X = x.data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let m = -Infinity;
      for (let j = 0, p = x.offset + base; j < len; j++, p += inner) {
        const v = X[p]!;
        if (v > m || v !== v) m = v; // NaN sticks: it makes the line NaN
        if (v !== v) break;
      }
      if (!Number.isFinite(m)) {
        for (let j = 0, q = base; j < len; j++, q += inner) out[q] = NaN;
        continue;
      }
      let s = 0;
      for (let j = 0, p = x.offset + base, q = base; j < len; j++, p += inner, q += inner) {
        const e = Math.exp(X[p]! - m);
        s += e;
        if (!log) out[q] = e;
      }
      if (log) {
        const ls = Math.log(s);
        for (let j = 0, p = x.offset + base, q = base; j < len; j++, p += inner, q += inner) out[q] = X[p]! - m - ls;
      } else {
        for (let j = 0, q = base; j < len; j++, q += inner) out[q] = out[q]! / s;
      }
    }
  }
  return { data: out, shape };
}
