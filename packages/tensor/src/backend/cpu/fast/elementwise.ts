/**
 * Fast float32 elementwise kernels: the hot arithmetic ops written as straight loops over runs
 * (see runs.ts) with broadcasting and any strides, instead of the reference's per-element
 * function call through an offset list. They compute exactly what the reference computes (the
 * same double-precision expression, rounded to float32 on store), so results are bit-identical.
 * Ops not listed here return null and the caller runs the reference kernel.
 * @packageDocumentation
 */
import { broadcastView, contiguousStrides, isContiguousView, numelOf, sameShape, type View } from '../../../shape.js';
import type { BinaryOp, UnaryOp } from '../../backend.js';
import { UNARY } from '../elementwise.js';
import { forEachRun } from './runs.js';
import { takeArray, takeF32 } from '../array-pool.js';
import { isF32, MIN_STAGED, stagedMap } from '../wasm/map.js';
import type { MapOp } from '../wasm/map-module.js';

/** Whether a view covers `shape` densely from its offset (then it is one run of numel elements). */
const denseOver = (v: View, shape: readonly number[]) => sameShape(v.shape, shape) && isContiguousView(v);

type BinaryRun = (o: Float32Array, io: number, a: Float32Array, ia: number, sa: number, b: Float32Array, ib: number, sb: number, n: number) => void;

// One loop per op: a shared loop calling an op function would not be inlined reliably.
const BINARY_RUNS: Partial<Record<BinaryOp, BinaryRun>> = {
  add: (o, io, a, ia, sa, b, ib, sb, n) => { for (let i = 0; i < n; i++, ia += sa, ib += sb) o[io + i] = a[ia]! + b[ib]!; },
  sub: (o, io, a, ia, sa, b, ib, sb, n) => { for (let i = 0; i < n; i++, ia += sa, ib += sb) o[io + i] = a[ia]! - b[ib]!; },
  mul: (o, io, a, ia, sa, b, ib, sb, n) => { for (let i = 0; i < n; i++, ia += sa, ib += sb) o[io + i] = a[ia]! * b[ib]!; },
  div: (o, io, a, ia, sa, b, ib, sb, n) => { for (let i = 0; i < n; i++, ia += sa, ib += sb) o[io + i] = a[ia]! / b[ib]!; },
  // maximum/minimum propagate NaN (PyTorch), unlike a plain comparison
  // the same expression as the reference (NaN-propagating, like PyTorch)
  maximum: (o, io, a, ia, sa, b, ib, sb, n) => { for (let i = 0; i < n; i++, ia += sa, ib += sb) { const x = a[ia]!, y = b[ib]!; o[io + i] = x !== x || y !== y ? NaN : Math.max(x, y); } },
  minimum: (o, io, a, ia, sa, b, ib, sb, n) => { for (let i = 0; i < n; i++, ia += sa, ib += sb) { const x = a[ia]!, y = b[ib]!; o[io + i] = x !== x || y !== y ? NaN : Math.min(x, y); } },
};

type CompareRun = (o: Uint8Array, io: number, a: Float32Array, ia: number, sa: number, b: Float32Array, ib: number, sb: number, n: number) => void;

/**
 * Comparisons of float32 operands into bool (0/1) outputs: masks of relu/max-pool backward.
 * `+(a > b)` compiles to a flag-to-integer move, where `a > b ? 1 : 0` would branch (and
 * mispredict on random data).
 */
const COMPARE_RUNS: Partial<Record<BinaryOp, CompareRun>> = {
  eq: (o, io, a, ia, sa, b, ib, sb, n) => { for (let i = 0; i < n; i++, ia += sa, ib += sb) o[io + i] = +(a[ia]! === b[ib]!); },
  ne: (o, io, a, ia, sa, b, ib, sb, n) => { for (let i = 0; i < n; i++, ia += sa, ib += sb) o[io + i] = +(a[ia]! !== b[ib]!); },
  lt: (o, io, a, ia, sa, b, ib, sb, n) => { for (let i = 0; i < n; i++, ia += sa, ib += sb) o[io + i] = +(a[ia]! < b[ib]!); },
  le: (o, io, a, ia, sa, b, ib, sb, n) => { for (let i = 0; i < n; i++, ia += sa, ib += sb) o[io + i] = +(a[ia]! <= b[ib]!); },
  gt: (o, io, a, ia, sa, b, ib, sb, n) => { for (let i = 0; i < n; i++, ia += sa, ib += sb) o[io + i] = +(a[ia]! > b[ib]!); },
  ge: (o, io, a, ia, sa, b, ib, sb, n) => { for (let i = 0; i < n; i++, ia += sa, ib += sb) o[io + i] = +(a[ia]! >= b[ib]!); },
};

/** float32 comparison float32 → bool (Uint8Array) with broadcasting; null for other ops. */
export function compareF32(op: BinaryOp, a: Float32Array, av: View, b: Float32Array, bv: View, outShape: readonly number[]): Uint8Array | null {
  const f = COMPARE_RUNS[op];
  if (!f) return null;
  const out = takeArray('bool', numelOf(outShape), false) as Uint8Array; // every element is written
  const ab = broadcastView(av, outShape);
  const bb = broadcastView(bv, outShape);
  forEachRun(outShape, [0, ab.offset, bb.offset], [contiguousStrides(outShape), ab.strides, bb.strides], (n, base, step) =>
    f(out, base[0]!, a, base[1]!, step[1]!, b, base[2]!, step[2]!, n));
  return out;
}

/** float32 ⊕ float32 → float32 with broadcasting; null when `op` has no fast loop. */
export function binaryF32(op: BinaryOp, a: Float32Array, av: View, b: Float32Array, bv: View, outShape: readonly number[]): Float32Array | null {
  const f = BINARY_RUNS[op];
  if (!f) return null;
  const out = takeF32(numelOf(outShape), false); // every element is written
  // same-shape dense operands (a gradient sum, a residual add): the WebAssembly map
  if (out.length >= MIN_STAGED && denseOver(av, outShape) && denseOver(bv, outShape) &&
    stagedMap(op as MapOp, [{ data: a, offset: av.offset }, { data: b, offset: bv.offset }], out.length, [], out)) return out;
  const ab = broadcastView(av, outShape);
  const bb = broadcastView(bv, outShape);
  forEachRun(outShape, [0, ab.offset, bb.offset], [contiguousStrides(outShape), ab.strides, bb.strides], (n, base, step) =>
    f(out, base[0]!, a, base[1]!, step[1]!, b, base[2]!, step[2]!, n));
  return out;
}

type ScalarRun = (o: Float32Array, io: number, a: Float32Array, ia: number, sa: number, y: number, n: number) => void;

// tensor ⊕ scalar where the scalar is a 0-d tensor of another dtype (an SGD learning rate as
// float64): same double-precision expression as the reference, without a second array
const SCALAR_RIGHT: Partial<Record<BinaryOp, ScalarRun>> = {
  add: (o, io, a, ia, sa, y, n) => { for (let i = 0; i < n; i++, ia += sa) o[io + i] = a[ia]! + y; },
  sub: (o, io, a, ia, sa, y, n) => { for (let i = 0; i < n; i++, ia += sa) o[io + i] = a[ia]! - y; },
  mul: (o, io, a, ia, sa, y, n) => { for (let i = 0; i < n; i++, ia += sa) o[io + i] = a[ia]! * y; },
  div: (o, io, a, ia, sa, y, n) => { for (let i = 0; i < n; i++, ia += sa) o[io + i] = a[ia]! / y; },
};
const SCALAR_LEFT: Partial<Record<BinaryOp, ScalarRun>> = {
  add: (o, io, a, ia, sa, y, n) => { for (let i = 0; i < n; i++, ia += sa) o[io + i] = y + a[ia]!; },
  sub: (o, io, a, ia, sa, y, n) => { for (let i = 0; i < n; i++, ia += sa) o[io + i] = y - a[ia]!; },
  mul: (o, io, a, ia, sa, y, n) => { for (let i = 0; i < n; i++, ia += sa) o[io + i] = y * a[ia]!; },
  div: (o, io, a, ia, sa, y, n) => { for (let i = 0; i < n; i++, ia += sa) o[io + i] = y / a[ia]!; },
};

/**
 * float32 tensor ⊕ one-element operand of any dtype → float32 (`scalarLeft`: scalar ⊕ tensor);
 * null when `op` has no scalar loop.
 */
export function binaryScalarF32(op: BinaryOp, a: Float32Array, av: View, y: number, outShape: readonly number[], scalarLeft: boolean): Float32Array | null {
  const f = (scalarLeft ? SCALAR_LEFT : SCALAR_RIGHT)[op];
  if (!f) return null;
  const out = takeF32(numelOf(outShape), false); // every element is written
  // a float32 map rounds like the reference's double expression only when y is a float32 value
  const mapOp = (scalarLeft ? `scalar${op[0]!.toUpperCase()}${op.slice(1)}` : `${op}Scalar`) as MapOp;
  if (out.length >= MIN_STAGED && isF32(y) && denseOver(av, outShape) && stagedMap(mapOp, [{ data: a, offset: av.offset }], out.length, [y], out)) return out;
  const ab = broadcastView(av, outShape);
  forEachRun(outShape, [0, ab.offset], [contiguousStrides(outShape), ab.strides], (n, base, step) => f(out, base[0]!, a, base[1]!, step[1]!, y, n));
  return out;
}

type UnaryRun = (o: Float32Array, io: number, x: Float32Array, ix: number, sx: number, n: number) => void;

const UNARY_RUNS: Partial<Record<UnaryOp, UnaryRun>> = {
  // Branch-free: on random signs a `v > 0 ? v : 0` mispredicts half the time and runs >10× slower.
  // (v + |v|) / 2 is exact, gives +0 for negatives and -0, keeps NaN; only -Inf (→ NaN) needs a
  // (never-taken, so free) branch to give 0 like the reference.
  relu: (o, io, x, ix, sx, n) => { for (let i = 0; i < n; i++, ix += sx) { const v = x[ix]!; o[io + i] = v === -Infinity ? 0 : (v + Math.abs(v)) * 0.5; } },
  neg: (o, io, x, ix, sx, n) => { for (let i = 0; i < n; i++, ix += sx) o[io + i] = -x[ix]!; },
  square: (o, io, x, ix, sx, n) => { for (let i = 0; i < n; i++, ix += sx) { const v = x[ix]!; o[io + i] = v * v; } },
  exp: (o, io, x, ix, sx, n) => { for (let i = 0; i < n; i++, ix += sx) o[io + i] = Math.exp(x[ix]!); },
  log: (o, io, x, ix, sx, n) => { for (let i = 0; i < n; i++, ix += sx) o[io + i] = Math.log(x[ix]!); },
  sqrt: (o, io, x, ix, sx, n) => { for (let i = 0; i < n; i++, ix += sx) o[io + i] = Math.sqrt(x[ix]!); },
  tanh: (o, io, x, ix, sx, n) => { for (let i = 0; i < n; i++, ix += sx) o[io + i] = Math.tanh(x[ix]!); },
};

/** Unary float32 → float32 over any view; ops without a dedicated loop use the reference's scalar function. */
export function unaryF32(op: UnaryOp, x: Float32Array, xv: View): Float32Array {
  const out = takeF32(numelOf(xv.shape), false); // every element is written
  if ((op === 'relu' || op === 'exp') && out.length >= MIN_STAGED && isContiguousView(xv) && stagedMap(op, [{ data: x, offset: xv.offset }], out.length, [], out)) return out;
  const g = UNARY[op];
  const f: UnaryRun = UNARY_RUNS[op] ?? ((o, io, xs, ix, sx, n) => { for (let i = 0; i < n; i++, ix += sx) o[io + i] = g(xs[ix]!); });
  forEachRun(xv.shape, [0, xv.offset], [contiguousStrides(xv.shape), xv.strides], (n, base, step) => f(out, base[0]!, x, base[1]!, step[1]!, n));
  return out;
}

/** where(cond, a, b) → float32 with broadcasting (cond of any dtype: non-zero is true). */
export function whereF32(
  c: ArrayLike<number>, cv: View, a: Float32Array, av: View, b: Float32Array, bv: View, outShape: readonly number[],
): Float32Array {
  const out = takeF32(numelOf(outShape), false); // every element is written
  const cb = broadcastView(cv, outShape);
  const ab = broadcastView(av, outShape);
  const bb = broadcastView(bv, outShape);
  // a bool mask (0/1 bytes) selects by indexing a two-slot scratch: no branch to mispredict
  const pick = new Float32Array(2);
  const mask = c instanceof Uint8Array;
  forEachRun(outShape, [0, cb.offset, ab.offset, bb.offset], [contiguousStrides(outShape), cb.strides, ab.strides, bb.strides], (n, base, step) => {
    let ic = base[1]!, ia = base[2]!, ib = base[3]!;
    const sc = step[1]!, sa = step[2]!, sb = step[3]!;
    const io = base[0]!;
    if (mask) {
      for (let i = 0; i < n; i++, ic += sc, ia += sa, ib += sb) {
        pick[0] = b[ib]!;
        pick[1] = a[ia]!;
        out[io + i] = pick[+(c[ic] !== 0)]!;
      }
    } else for (let i = 0; i < n; i++, ic += sc, ia += sa, ib += sb) out[io + i] = c[ic] ? a[ia]! : b[ib]!;
  });
  return out;
}

/**
 * threshold_backward on contiguous float32 operands of one shape: `g` where `y > threshold`, else
 * 0 — relu's backward in one pass. Branch-free on the bits: the comparison becomes an all-ones or
 * all-zeros mask ANDed with g's bit pattern (exact, and +0 where masked, as `where(…, g, 0)` gives);
 * activation signs are random, so a branch per element would mispredict half the time.
 */
export function thresholdBackwardF32(g: { data: Float32Array; offset: number; shape: readonly number[] }, y: { data: Float32Array; offset: number }, threshold: number): { data: Float32Array; shape: number[] } {
  const n = numelOf(g.shape);
  const out = takeF32(n, false); // every element is written
  if (n >= MIN_STAGED && isF32(threshold) && stagedMap('thresholdBackward', [g, y], n, [threshold], out)) return { data: out, shape: [...g.shape] };
  const G = new Int32Array(g.data.buffer, g.data.byteOffset + 4 * g.offset, n);
  const O = new Int32Array(out.buffer, out.byteOffset, n);
  const Y = y.data, yo = y.offset;
  for (let i = 0; i < n; i++) O[i] = G[i]! & -(Y[yo + i]! > threshold);
  return { data: out, shape: [...g.shape] };
}
