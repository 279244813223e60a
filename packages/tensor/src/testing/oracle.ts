/**
 * The conformance suite's oracle: every Backend primitive re-implemented in plain, slow, obvious
 * JavaScript on host arrays, with PyTorch's semantics (checked against PyTorch 1.13 where they are
 * subtle: sign(NaN) = 0, pow(1, NaN) = 1, logical ops treat NaN as true, NaN sorts last ...).
 *
 * It deliberately shares no code with the CPU backend, so the suite means something for the CPU
 * backend too. Values are plain `number[]`s in row-major order; the caller rounds to the output
 * dtype with {@link roundTo}.
 * @packageDocumentation
 */
import type { BinaryOp, ReduceOp, ScanOp, UnaryOp } from '../backend/backend.js';
import type { DType } from '../dtype.js';
import type { View } from '../shape.js';

/** Number of elements of a shape. */
export const count = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Row-major multi-index of linear position `i`. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    const s = shape[d]!;
    idx[d] = i % s;
    i = Math.floor(i / s);
  }
  return idx;
}

/** Linear row-major position of a multi-index. */
export function ravel(idx: readonly number[], shape: readonly number[]): number {
  let p = 0;
  for (let d = 0; d < shape.length; d++) p = p * shape[d]! + idx[d]!;
  return p;
}

/** Storage positions a view selects, in row-major order. */
export function viewPositions(view: View): number[] {
  const { shape, strides } = view;
  const n = count(shape);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let rem = i;
    let off = view.offset;
    for (let d = shape.length - 1; d >= 0; d--) {
      const c = rem % shape[d]!;
      rem = (rem - c) / shape[d]!;
      off += c * strides[d]!;
    }
    out[i] = off;
  }
  return out;
}

/** The elements a view selects from a storage array, in row-major order. */
export function readView(storage: ArrayLike<number>, view: View): number[] {
  return viewPositions(view).map((p) => storage[p]!);
}

/** Broadcasts row-major `data` of `shape` to `to` (NumPy rules; shapes assumed compatible). */
export function broadcastTo(data: readonly number[], shape: readonly number[], to: readonly number[]): number[] {
  const n = count(to);
  const out = new Array<number>(n);
  const lead = to.length - shape.length;
  for (let i = 0; i < n; i++) {
    const idx = unravel(i, to).slice(lead).map((x, d) => (shape[d] === 1 ? 0 : x));
    out[i] = data[ravel(idx, shape)]!;
  }
  return out;
}

/** Rounds a number the way storing it in `dtype` does (int32 wraps like C, bool is `!= 0`). */
export function roundTo(v: number, dtype: DType): number {
  if (dtype === 'float32') return Math.fround(v);
  if (dtype === 'int32') return v | 0;
  if (dtype === 'bool') return v !== 0 ? 1 : 0;
  return v;
}

/** erf by Simpson integration of 2/√π·e^(−t²): slow and independent of any series trick. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (Math.abs(x) > 6) return Math.sign(x);
  const n = 4000;
  const h = x / n;
  let s = 1 + Math.exp(-x * x);
  for (let k = 1; k < n; k++) s += (k % 2 ? 4 : 2) * Math.exp(-(k * h) * (k * h));
  return ((s * h) / 3) * (2 / Math.sqrt(Math.PI));
}

/** erfinv by bisection on {@link erf}. */
export function erfinv(y: number): number {
  if (Number.isNaN(y) || y < -1 || y > 1) return NaN;
  if (y === 1) return Infinity;
  if (y === -1) return -Infinity;
  let lo = -6, hi = 6;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (erf(mid) < y) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const d = x - f;
  const r = d < 0.5 ? f : d > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
  return r === 0 ? x * 0 : r; // keep the sign of zero (round(-0.4) = -0.)
}

/** C's pow: pow(1, y) = 1 and pow(x, 0) = 1 even for NaN; pow(-1, ±inf) = 1. */
function cPow(a: number, b: number): number {
  if (a === 1 || b === 0) return 1;
  if (a === -1 && (b === Infinity || b === -Infinity)) return 1;
  return Math.pow(a, b);
}

/** PyTorch's floor division of floats (div_floor_floating), not Math.floor(a / b). */
function floorDivFloat(a: number, b: number): number {
  if (b === 0) return a / b;
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) div -= 1;
  if (div === 0) return (a / b) * 0; // signed zero, as PyTorch's copysign(0, a / b)
  let fl = Math.floor(div);
  if (div - fl > 0.5) fl += 1;
  return fl;
}

const nz = (v: number): boolean => v !== 0; // NaN is true, as in C

/** Unary ops, in float64; the caller rounds. */
export const UNARY_ORACLE: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: (x) => (x < 0 || Object.is(x, -0) ? -x : x),
  sign: (x) => (x > 0 ? 1 : 0) - (x < 0 ? 1 : 0),
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  expm1: Math.expm1,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  relu: (x) => (Number.isNaN(x) ? x : x > 0 ? x : 0),
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  trunc: Math.trunc,
  reciprocal: (x) => 1 / x,
  erf,
  erfinv,
  logicalNot: (x) => (nz(x) ? 0 : 1),
  isnan: (x) => (x !== x ? 1 : 0),
  isinf: (x) => (Math.abs(x) === Infinity ? 1 : 0),
  square: (x) => x * x,
  log2: Math.log2,
  exp2: (x) => Math.pow(2, x),
};

type F2 = (a: number, b: number) => number;
const cmp = (f: (a: number, b: number) => boolean): F2 => (a, b) => (f(a, b) ? 1 : 0);

/** Binary ops with float semantics (float64, rounded by the caller). */
const FLOAT_BINARY: Record<BinaryOp, F2> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  floorDivide: floorDivFloat,
  pow: cPow,
  maximum: (a, b) => (a !== a || b !== b ? NaN : a > b ? a : b),
  minimum: (a, b) => (a !== a || b !== b ? NaN : a < b ? a : b),
  remainder: (a, b) => {
    const m = a % b;
    return m !== 0 && b < 0 !== m < 0 ? m + b : m;
  },
  fmod: (a, b) => a % b,
  atan2: Math.atan2,
  eq: cmp((a, b) => a === b),
  ne: cmp((a, b) => a !== b),
  lt: cmp((a, b) => a < b),
  le: cmp((a, b) => a <= b),
  gt: cmp((a, b) => a > b),
  ge: cmp((a, b) => a >= b),
  logicalAnd: cmp((a, b) => nz(a) && nz(b)),
  logicalOr: cmp((a, b) => nz(a) || nz(b)),
  logicalXor: cmp((a, b) => nz(a) !== nz(b)),
  bitwiseAnd: (a, b) => a & b,
  bitwiseOr: (a, b) => a | b,
  bitwiseXor: (a, b) => a ^ b,
};

/** Where int32 (and bool) semantics differ from float ones: wrapping products, integer division. */
const INT_BINARY: Partial<Record<BinaryOp, F2>> = {
  mul: Math.imul,
  floorDivide: (a, b) => Math.floor(a / b),
  remainder: (a, b) => a - b * Math.floor(a / b),
  fmod: (a, b) => a - b * Math.trunc(a / b),
  pow: (a, b) => {
    let r = 1;
    for (let i = 0; i < b; i++) r = Math.imul(r, a);
    return r;
  },
};

/** The scalar function of a binary op for operands of `dtype`. */
export function binaryOracle(op: BinaryOp, dtype: DType): F2 {
  return (dtype !== 'float32' && dtype !== 'float64' && INT_BINARY[op]) || FLOAT_BINARY[op];
}

/** Groups the row-major positions of `shape` by output element (the reduced axes removed). */
function groups(shape: readonly number[], axes: readonly number[]): number[][] {
  const kept = shape.map((_, d) => !axes.includes(d));
  const outStride = new Array<number>(shape.length).fill(0);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (!kept[d]) continue;
    outStride[d] = acc;
    acc *= shape[d]!;
  }
  const gs: number[][] = Array.from({ length: acc }, () => []);
  const n = count(shape);
  for (let i = 0; i < n; i++) {
    let rem = i;
    let o = 0;
    for (let d = shape.length - 1; d >= 0; d--) {
      const c = rem % shape[d]!;
      rem = (rem - c) / shape[d]!;
      o += c * outStride[d]!;
    }
    gs[o]!.push(i);
  }
  return gs;
}

/** Reduction over `axes` (removed from the shape); argmax/argmin index into the reduced block, first occurrence, NaN wins. */
export function reduceOracle(op: ReduceOp, data: readonly number[], shape: readonly number[], axes: readonly number[], dtype: DType): number[] {
  return groups(shape, axes).map((g) => {
    const v = g.map((i) => data[i]!);
    if (op === 'sum') return dtype === 'int32' ? v.reduce((a, b) => (a + b) | 0, 0) : v.reduce((a, b) => a + b, 0);
    if (op === 'prod') return dtype === 'int32' ? v.reduce((a, b) => Math.imul(a, b), 1) : v.reduce((a, b) => a * b, 1);
    let best = 0;
    for (let k = 1; k < v.length; k++) {
      const a = v[k]!, cur = v[best]!;
      if (cur !== cur) break;
      if (a !== a || (op === 'max' || op === 'argmax' ? a > cur : a < cur)) best = k;
    }
    return op === 'argmax' || op === 'argmin' ? best : v[best]!;
  });
}

/** Cumulative op along `axis`; cummax/cummin indices point at the last position of the running extreme (NaN sticks). */
export function scanOracle(op: ScanOp, data: readonly number[], shape: readonly number[], axis: number, dtype: DType): { values: number[]; indices: number[] } {
  const values = new Array<number>(data.length);
  const indices = new Array<number>(data.length).fill(0);
  const len = shape.length === 0 ? 1 : shape[axis]!;
  const inner = count(shape.slice(axis + 1));
  for (let i = 0; i < data.length; i++) {
    const k = shape.length === 0 ? 0 : Math.floor(i / inner) % len;
    if (k === 0) {
      values[i] = roundTo(data[i]!, dtype);
      continue;
    }
    const prev = i - inner;
    const acc = values[prev]!;
    const v = data[i]!;
    if (op === 'cumsum') values[i] = dtype === 'int32' ? (acc + v) | 0 : acc + v;
    else if (op === 'cumprod') values[i] = dtype === 'int32' ? Math.imul(acc, v) : acc * v;
    else {
      const take = acc === acc && (v !== v || (op === 'cummax' ? v >= acc : v <= acc));
      values[i] = take ? v : acc;
      indices[i] = take ? k : indices[prev]!;
    }
  }
  return { values, indices };
}

/** Stable sort along `axis`: NaN is the largest value; descending keeps ties in their original order. */
export function sortOracle(data: readonly number[], shape: readonly number[], axis: number, descending: boolean): { values: number[]; indices: number[] } {
  const values = [...data];
  const indices = new Array<number>(data.length).fill(0);
  if (shape.length === 0) return { values, indices };
  const len = shape[axis]!;
  const inner = count(shape.slice(axis + 1));
  const outer = count(shape.slice(0, axis));
  const key = (a: number, b: number): number => (a !== a ? (b !== b ? 0 : 1) : b !== b ? -1 : a < b ? -1 : a > b ? 1 : 0);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const pos = (k: number) => (o * len + k) * inner + j;
      const order = [...Array(len).keys()];
      order.sort((p, q) => (descending ? -1 : 1) * key(data[pos(p)]!, data[pos(q)]!) || p - q);
      order.forEach((src, k) => {
        values[pos(k)] = data[pos(src)]!;
        indices[pos(k)] = src;
      });
    }
  }
  return { values, indices };
}

/** out[i] = x[i with axis replaced by index[i]]; out has the index's shape. */
export function gatherOracle(x: readonly number[], xShape: readonly number[], axis: number, index: readonly number[], iShape: readonly number[]): number[] {
  return index.map((ix, p) => {
    const idx = unravel(p, iShape);
    if (idx.length) idx[axis] = ix;
    return x[ravel(idx, xShape)]!;
  });
}

/**
 * A copy of x with src[i] written (or added) at i with axis replaced by index[i]. Additions are
 * rounded to `dtype` one at a time, in index order, as PyTorch's scatter_add accumulates.
 */
export function scatterOracle(
  x: readonly number[], xShape: readonly number[], axis: number, index: readonly number[], iShape: readonly number[],
  src: readonly number[], sShape: readonly number[], mode: 'assign' | 'add', dtype: DType,
): number[] {
  const out = [...x];
  index.forEach((ix, p) => {
    const idx = unravel(p, iShape);
    const v = src[ravel(idx, sShape)]!;
    if (idx.length) idx[axis] = ix;
    const o = ravel(idx, xShape);
    out[o] = mode === 'add' ? roundTo(out[o]! + v, dtype) : v;
  });
  return out;
}

/** Batched [...B, M, K] @ [...B, K, N] on row-major data of equal batch shape, accumulated in float64. */
export function matmulOracle(a: readonly number[], b: readonly number[], batch: number, M: number, K: number, N: number): number[] {
  const out = new Array<number>(batch * M * N).fill(0);
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += a[(t * M + i) * K + k]! * b[(t * K + k) * N + j]!;
        out[(t * M + i) * N + j] = s;
      }
    }
  }
  return out;
}
