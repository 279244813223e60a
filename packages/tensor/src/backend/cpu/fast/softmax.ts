/**
 * Fused float32 softmax / logSoftmax along one dim (overrides of functional's ops): per line, one
 * pass for the max, one for exp and the sum, one to scale — in double precision, writing each
 * output once — instead of the decomposition's five full-size ops (amax, sub, exp, sum, div), each
 * allocating and rounding an intermediate.
 *
 * Non-finite maxima give NaN for the whole line, as the decomposition does (x − max is NaN there).
 *
 * Large inputs reduced along their last dim run in WebAssembly (wasm/softmax-module.ts): SIMD max,
 * a ~1-ulp SIMD exp and double-precision sums, ~10× faster than the loops below.
 * @packageDocumentation
 */
import { numelOf } from '../../../shape.js';
import { takeF32 } from '../array-pool.js';
import type { Dense } from './conv2d.js';
import { roundUp, runKernel } from '../wasm/matmul.js';
import { MIN_STAGED } from '../wasm/map.js';
import { wasmRuntime } from '../wasm/runtime.js';

/** softmax (`log` false) or logSoftmax (`log` true) of contiguous `x` along `dim`. */
export function softmaxF32(x: Dense, dim: number, log: boolean): { data: Float32Array; shape: number[] } {
  const shape = [...x.shape];
  const d = dim < 0 ? dim + shape.length : dim;
  const len = shape.length === 0 ? 1 : shape[d]!;
  const inner = numelOf(shape.slice(d + 1));
  const n = numelOf(shape);
  const outer = len === 0 || inner === 0 ? 0 : n / (len * inner);
  const out = takeF32(n, false); // every element is written
  if (inner === 1 && n >= MIN_STAGED && rowsInWasm(x, out, outer, len, log)) return { data: out, shape };
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

/**
 * Softmax / logSoftmax of `outer` contiguous rows of `len` floats in WebAssembly: row statistics
 * (max, Σ exp) in one kernel, the per-row constant of logSoftmax (max + log Σ) here, the final
 * scale or shift in a second kernel. False when the kernels are unavailable (nothing written).
 */
function rowsInWasm(x: Dense, out: Float32Array, outer: number, len: number, log: boolean): boolean {
  const rt = wasmRuntime();
  if (!rt) return false;
  const n = outer * len;
  const px = rt.addressOf(x.data, x.offset), pOut = rt.addressOf(out, 0);
  // scratch (floats from its base): f64 (max, sum) per row | staged input | staged output
  const xAt = roundUp(4 * outer, 4);
  const outAt = xAt + (px === null ? roundUp(n, 4) : 0);
  const scratch = rt.reserve((outAt + (pOut === null ? n : 0)) * 4);
  if (!scratch) return false;
  const { mem, base } = scratch;
  if (px === null) mem.set(x.data.subarray(x.offset, x.offset + n), base + xAt);
  const src = px ?? (base + xAt) * 4, dst = pOut ?? (base + outAt) * 4, stats = base * 4;
  const flops = 20 * n; // ~20 vector ops per 4 elements: worth both threads from ~250 k elements
  runKernel(rt, 'softmaxRows', [src, dst, stats, len, log ? 0 : 1], outer, flops);
  if (log) {
    const st = new Float64Array(mem.buffer, stats, 2 * outer);
    for (let r = 0; r < outer; r++) st[2 * r] = st[2 * r]! + Math.log(st[2 * r + 1]!);
  }
  runKernel(rt, 'softmaxFinish', [src, dst, stats, len, log ? 1 : 0], outer, n);
  if (pOut === null) out.set(mem.subarray(base + outAt, base + outAt + n));
  return true;
}
