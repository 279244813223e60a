/**
 * Reference elementwise kernels: unary, binary, where, cast. Readable first; a contiguous fast
 * path avoids the offset lists when every operand is a plain contiguous buffer.
 * @packageDocumentation
 */
import type { DType, TypedArray } from '../../dtype.js';
import { broadcastView, isContiguousView, numelOf, type View } from '../../shape.js';
import type { BinaryOp, UnaryOp } from '../backend.js';
import { divFloor, erf, erfinv, intPow, pyRemainder, roundHalfEven } from './math.js';
import { offsets } from './strided.js';
import { takeArray } from './array-pool.js';

type F1 = (x: number) => number;
type F2 = (a: number, b: number) => number;

const sigmoid: F1 = (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

export const UNARY: Record<UnaryOp, F1> = {
  neg: (x) => -x,
  abs: Math.abs,
  // PyTorch's sign is (0 < x) - (x < 0), so sign(NaN) is 0
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
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
  sigmoid,
  relu: (x) => (x > 0 ? x : x === 0 || x < 0 ? 0 : x),
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  trunc: Math.trunc,
  reciprocal: (x) => 1 / x,
  erf,
  erfinv,
  // NaN is truthy in PyTorch (it is non-zero) but falsy in JS: compare with 0 explicitly
  logicalNot: (x) => (x !== 0 ? 0 : 1),
  isnan: (x) => (Number.isNaN(x) ? 1 : 0),
  isinf: (x) => (x === Infinity || x === -Infinity ? 1 : 0),
  square: (x) => x * x,
  log2: Math.log2,
  exp2: (x) => 2 ** x,
};

/** Integer variants where int32 semantics differ from float ones. */
const INT_BINARY: Partial<Record<BinaryOp, F2>> = {
  mul: Math.imul,
  floorDivide: (a, b) => Math.floor(a / b),
  remainder: (a, b) => pyRemainder(a, b),
  fmod: (a, b) => a % b,
  pow: intPow,
};

export const BINARY: Record<BinaryOp, F2> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  floorDivide: divFloor,
  // C's pow (and PyTorch's): pow(1, y) = 1 even for NaN, pow(-1, ±inf) = 1; JS's Math.pow gives NaN
  pow: (a, b) => (a === 1 || (a === -1 && Math.abs(b) === Infinity) ? 1 : Math.pow(a, b)),
  maximum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
  minimum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
  remainder: pyRemainder,
  fmod: (a, b) => a % b,
  atan2: Math.atan2,
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  logicalAnd: (a, b) => (a !== 0 && b !== 0 ? 1 : 0),
  logicalOr: (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
  logicalXor: (a, b) => ((a !== 0) !== (b !== 0) ? 1 : 0),
  bitwiseAnd: (a, b) => a & b,
  bitwiseOr: (a, b) => a | b,
  bitwiseXor: (a, b) => a ^ b,
};

/** Unary map of a strided input into a fresh contiguous array of `outDtype`. */
export function unaryKernel(op: UnaryOp, x: TypedArray, xv: View, outDtype: DType): TypedArray {
  // int32 square wraps like PyTorch's int arithmetic; x * x in float64 is not exact past 2^26
  const f = op === 'square' && outDtype === 'int32' ? (v: number) => Math.imul(v, v) : UNARY[op];
  const n = numelOf(xv.shape);
  const out = takeArray(outDtype, n);
  if (isContiguousView(xv)) {
    const o = xv.offset;
    for (let i = 0; i < n; i++) out[i] = f(x[o + i]!);
  } else {
    const off = offsets(xv);
    for (let i = 0; i < n; i++) out[i] = f(x[off[i]!]!);
  }
  return out;
}

/** Binary map with broadcasting; `computeDtype` picks integer semantics for int32/bool inputs. */
export function binaryKernel(
  op: BinaryOp, a: TypedArray, av: View, b: TypedArray, bv: View,
  outShape: readonly number[], outDtype: DType, integer: boolean,
): TypedArray {
  const g = (integer && INT_BINARY[op]) || BINARY[op];
  // bool results of arithmetic (True + True) stay 0/1, as in PyTorch
  const f: F2 = outDtype === 'bool' ? (x, y) => (g(x, y) !== 0 ? 1 : 0) : g;
  const n = numelOf(outShape);
  const out = takeArray(outDtype, n);
  const ab = broadcastView(av, outShape);
  const bb = broadcastView(bv, outShape);
  if (isContiguousView(ab) && isContiguousView(bb)) {
    const oa = ab.offset, ob = bb.offset;
    for (let i = 0; i < n; i++) out[i] = f(a[oa + i]!, b[ob + i]!);
    return out;
  }
  const offA = offsets(ab);
  const offB = offsets(bb);
  for (let i = 0; i < n; i++) out[i] = f(a[offA[i]!]!, b[offB[i]!]!);
  return out;
}

/** where(cond, a, b) with broadcasting. */
export function whereKernel(
  c: TypedArray, cv: View, a: TypedArray, av: View, b: TypedArray, bv: View,
  outShape: readonly number[], outDtype: DType,
): TypedArray {
  const n = numelOf(outShape);
  const out = takeArray(outDtype, n);
  const oc = offsets(broadcastView(cv, outShape));
  const oa = offsets(broadcastView(av, outShape));
  const ob = offsets(broadcastView(bv, outShape));
  for (let i = 0; i < n; i++) out[i] = c[oc[i]!] ? a[oa[i]!]! : b[ob[i]!]!;
  return out;
}

/**
 * Conversion with PyTorch's rules: float→int truncates toward zero, anything→bool is `!= 0` (so NaN
 * is true). NaN/±Inf/out-of-range → int is undefined behaviour in C++ and platform-specific in
 * PyTorch (INT_MIN on x86); here it is whatever Int32Array stores (0 for NaN/±Inf, wrapped otherwise).
 */
export function castKernel(x: TypedArray, xv: View, dtype: DType): TypedArray {
  const n = numelOf(xv.shape);
  const out = takeArray(dtype, n);
  const off = offsets(xv);
  if (dtype === 'bool') for (let i = 0; i < n; i++) out[i] = x[off[i]!] !== 0 ? 1 : 0;
  else if (dtype === 'int32') for (let i = 0; i < n; i++) out[i] = Math.trunc(x[off[i]!]!);
  else for (let i = 0; i < n; i++) out[i] = x[off[i]!]!;
  return out;
}
