/**
 * Fast float32 sum / max / min over any set of axes, for any view: the input is walked once in
 * its own row-major order (runs.ts) while an accumulator with stride 0 along the reduced axes
 * collects the results, so no permuted offset list is built. Sums accumulate in double precision
 * like the reference (only the order of additions differs); max/min propagate NaN like it.
 * @packageDocumentation
 */
import { contiguousStrides, isContiguousView, numelOf, type View } from '../../../shape.js';
import type { ReduceOp } from '../../backend.js';
import { coalesce, forEachRun } from './runs.js';
import { roundUp, runKernel } from '../wasm/matmul.js';
import { MIN_STAGED } from '../wasm/map.js';
import { wasmRuntime } from '../wasm/runtime.js';

/** Reduces `axes` of a float32 view into a float32 result; null for ops/cases left to the reference. */
export function reduceF32(op: ReduceOp, x: Float32Array, xv: View, axes: readonly number[]): Float32Array | null {
  if (op !== 'sum' && op !== 'max' && op !== 'min') return null;
  const shape = xv.shape;
  if (axes.some((a) => shape[a] === 0)) return null; // empty reductions: the reference owns the rules
  const kept = shape.map((n, d) => (axes.includes(d) ? 1 : n));
  const keptStrides = contiguousStrides(kept);
  const accStrides = shape.map((_, d) => (axes.includes(d) ? 0 : keptStrides[d]!));
  const size = numelOf(kept);
  if (op === 'sum') {
    const acc = new Float64Array(size);
    if (runsInWasm('sum', x, xv, accStrides, (o, v) => (acc[o] = acc[o]! + v))) return Float32Array.from(acc);
    forEachRun(shape, [xv.offset, 0], [xv.strides, accStrides], (n, base, step) => {
      let ix = base[0]!;
      const sx = step[0]!, io = base[1]!, so = step[1]!;
      if (so === 0) {
        let s = 0;
        for (let i = 0; i < n; i++, ix += sx) s += x[ix]!;
        acc[io] = acc[io]! + s;
      } else {
        for (let i = 0, o = io; i < n; i++, ix += sx, o += so) acc[o] = acc[o]! + x[ix]!;
      }
    });
    return Float32Array.from(acc);
  }
  const isMax = op === 'max';
  const acc = new Float32Array(size).fill(isMax ? -Infinity : Infinity);
  if (runsInWasm(op, x, xv, accStrides, (o, v) => { if ((isMax ? v > acc[o]! : v < acc[o]!) || v !== v) acc[o] = v; })) return acc;
  forEachRun(shape, [xv.offset, 0], [xv.strides, accStrides], (n, base, step) => {
    let ix = base[0]!;
    const sx = step[0]!, so = step[1]!;
    // once NaN, stays NaN: neither comparison is true against it, and v !== v catches a new NaN
    if (isMax) for (let i = 0, o = base[1]!; i < n; i++, ix += sx, o += so) { const v = x[ix]!; if (v > acc[o]! || v !== v) acc[o] = v; }
    else for (let i = 0, o = base[1]!; i < n; i++, ix += sx, o += so) { const v = x[ix]!; if (v < acc[o]! || v !== v) acc[o] = v; }
  });
  return acc;
}

/**
 * The sum / max / min of a large dense view whose innermost (coalesced) dim is reduced — row
 * reductions, a bias gradient over [B, C, H, W] — as one result per run in WebAssembly (sums with
 * double-precision accumulators, so they match the loop above up to the order of additions), then
 * folded into the accumulator run by run with `combine(index, runResult)`. Returns false when it
 * does not apply; nothing is combined then.
 */
function runsInWasm(op: 'sum' | 'max' | 'min', x: Float32Array, xv: View, accStrides: readonly number[], combine: (o: number, v: number) => void): boolean {
  const n = numelOf(xv.shape);
  if (n < MIN_STAGED || !isContiguousView(xv)) return false;
  const c = coalesce(xv.shape, [xv.strides, accStrides]);
  const nd = c.shape.length;
  const runLen = nd ? c.shape[nd - 1]! : 1;
  if (nd === 0 || c.strides[1]![nd - 1] !== 0 || runLen < 16) return false;
  const rt = wasmRuntime();
  const runs = n / runLen;
  const px = rt?.addressOf(x, xv.offset) ?? null;
  // scratch (floats from its base): the staged input unless it lives in the kernel memory | results
  const resAt = px === null ? roundUp(n, 2) : 0;
  const scratch = rt?.reserve((resAt + 2 * runs) * 4);
  if (!rt || !scratch) return false;
  const { mem, base } = scratch;
  if (px === null) mem.set(x.subarray(xv.offset, xv.offset + n), base);
  runKernel(rt, `${op}Runs`, [px ?? base * 4, (base + resAt) * 4, runLen], runs, n);
  const results = op === 'sum' ? new Float64Array(mem.buffer, (base + resAt) * 4, runs) : new Float32Array(mem.buffer, (base + resAt) * 4, runs);
  let k = 0;
  forEachRun(xv.shape, [xv.offset, 0], [xv.strides, accStrides], (_len, b) => combine(b[1]!, results[k++]!));
  return true;
}
