/**
 * Elementwise ops: unary and binary primitives with PyTorch's type promotion and broadcasting,
 * plus composites built from them (clamp, where, isclose …).
 * @packageDocumentation
 */
import type { BinaryOp, UnaryOp } from '../backend/backend.js';
import { defineOp, dispatch1 } from '../dispatch.js';
import { isFloating, resultType, scalarDType, type DType, type PromotionOperand } from '../dtype.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { broadcastShapes } from '../shape.js';
import { Tensor, isTensor, type Scalar, type TensorLike } from '../tensor.js';
import { scalarTensor } from './creation.js';

/** Unary ops whose result is floating even for integer input (PyTorch promotes int → float32). */
const FLOAT_UNARY = new Set<UnaryOp>([
  'sqrt', 'rsqrt', 'exp', 'log', 'log1p', 'expm1', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh',
  'cosh', 'tanh', 'sigmoid', 'reciprocal', 'erf', 'erfinv', 'log2', 'exp2',
]);
const BOOL_UNARY = new Set<UnaryOp>(['logicalNot', 'isnan', 'isinf']);
const COMPARE = new Set<BinaryOp>(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor']);
const FLOAT_BINARY = new Set<BinaryOp>(['div', 'atan2']);
const BITWISE = new Set<BinaryOp>(['bitwiseAnd', 'bitwiseOr', 'bitwiseXor']);

const UNARY_OPS: UnaryOp[] = [
  'neg', 'abs', 'sign', 'sqrt', 'rsqrt', 'exp', 'log', 'log1p', 'expm1', 'sin', 'cos', 'tan', 'asin', 'acos',
  'atan', 'sinh', 'cosh', 'tanh', 'sigmoid', 'relu', 'floor', 'ceil', 'round', 'trunc', 'reciprocal', 'erf',
  'erfinv', 'logicalNot', 'isnan', 'isinf', 'square', 'log2', 'exp2',
];
const BINARY_OPS: BinaryOp[] = [
  'add', 'sub', 'mul', 'div', 'floorDivide', 'pow', 'maximum', 'minimum', 'remainder', 'fmod', 'atan2',
  'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor', 'bitwiseAnd', 'bitwiseOr', 'bitwiseXor',
];

for (const op of UNARY_OPS) {
  defineOp({
    name: op,
    // sign/floor/ceil/round/trunc stay differentiable with a zero gradient, as in PyTorch
    nondifferentiable: BOOL_UNARY.has(op),
    impl: ([x]) => {
      const outDtype = BOOL_UNARY.has(op) ? 'bool' : x!.dtype;
      return [Tensor.fromHandle(x!.storage.backend.unary(op, x!.operand(), outDtype), outDtype, x!.shape, x!.device)];
    },
  });
}

for (const op of BINARY_OPS) {
  defineOp({
    name: op,
    nondifferentiable: COMPARE.has(op) || BITWISE.has(op) || op === 'floorDivide',
    impl: ([a, b]) => {
      const shape = broadcastShapes(op, a!.shape, b!.shape);
      const outDtype = COMPARE.has(op) ? 'bool' : a!.dtype;
      return [Tensor.fromHandle(a!.storage.backend.binary(op, a!.operand(), b!.operand(), shape, outDtype), outDtype, shape, a!.device)];
    },
  });
}

defineOp({
  name: 'where',
  impl: ([c, a, b]) => {
    const shape = broadcastShapes('where', c!.shape, a!.shape, b!.shape);
    const h = a!.storage.backend.where(c!.operand(), a!.operand(), b!.operand(), shape, a!.dtype);
    return [Tensor.fromHandle(h, a!.dtype, shape, a!.device)];
  },
});

function promo(x: TensorLike): PromotionOperand {
  if (isTensor(x)) {
    const t = x as Tensor;
    return { dtype: t.dtype, kind: t.isWrappedNumber ? 'scalar' : t.ndim === 0 ? 'zerodim' : 'tensor' };
  }
  return { dtype: scalarDType(x as Scalar), kind: 'scalar' };
}

/** Converts an operand to a tensor of `dtype` on `like`'s device (JS scalars become wrapped 0-d tensors). @internal */
export function operandAs(x: TensorLike, dtype: DType, like?: Tensor): Tensor {
  if (isTensor(x)) {
    const t = x as Tensor;
    return t.dtype === dtype ? t : t.to(dtype);
  }
  if (typeof x !== 'number' && typeof x !== 'boolean') {
    throw new ValueError(`expected a Tensor or a number, got ${x === null ? 'null' : typeof x}`);
  }
  return scalarTensor(x, dtype, like?.ndim === 0 ? 'cpu' : like?.device);
}

/** A JS scalar as a wrapped 0-d tensor shaped for `like` (used by rsub). @internal */
export function scalarLike(x: TensorLike, like: Tensor): Tensor {
  return isTensor(x) ? (x as Tensor) : operandAs(x, resultType([promo(like), promo(x)]), like);
}

function firstTensor(a: TensorLike, b: TensorLike): Tensor | undefined {
  return isTensor(a) ? (a as Tensor) : isTensor(b) ? (b as Tensor) : undefined;
}

/** Unary ops PyTorch implements for bool input without promotion: sign of a bool is itself. */
const BOOL_KEEPS = new Set<UnaryOp>(['sign']);

/** Applies a unary primitive with PyTorch's dtype rules. */
export function unary(op: UnaryOp, x: Tensor): Tensor {
  if (op === 'neg' && x.dtype === 'bool') {
    throw new DTypeError('neg: Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logicalNot()` operator instead.');
  }
  if (FLOAT_UNARY.has(op) && !isFloating(x.dtype)) x = x.to('float32');
  else if (x.dtype === 'bool' && !BOOL_UNARY.has(op) && !BOOL_KEEPS.has(op)) {
    // PyTorch computes square(bool) as pow(int, 2); abs/floor/relu/… have no bool kernel at all
    if (op !== 'square') throw new DTypeError(`${op}: "${op}" not implemented for 'bool'; convert first, e.g. x.int().${op}() or x.float().${op}()`);
    x = x.to('int32');
  }
  return dispatch1(op, [x]);
}

/** x - trunc(x); floating dtypes only, as in PyTorch. */
export function frac(x: Tensor): Tensor {
  if (!isFloating(x.dtype)) throw new DTypeError(`frac: "frac" not implemented for '${x.dtype}'; the fractional part of an integer is always 0 (use x.float().frac() if you need a tensor)`);
  return sub(x, unary('trunc', x));
}

/** True when an operand is a bool tensor or a JS boolean. */
function isBoolOperand(x: TensorLike): boolean {
  return isTensor(x) ? (x as Tensor).dtype === 'bool' : typeof x === 'boolean';
}

/** Integer-only arithmetic PyTorch has no bool kernel for. */
const NO_BOOL = new Set<BinaryOp>(['remainder', 'fmod', 'floorDivide', 'pow']);

/** Applies a binary primitive with PyTorch's promotion (JS numbers do not widen tensor dtypes). */
export function binary(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  const like = firstTensor(a, b);
  let dtype = resultType([promo(a), promo(b)]);
  if (BITWISE.has(op) && isFloating(dtype)) {
    throw new DTypeError(`${op}: "bitwise_${op.slice(7).toLowerCase()}_cpu" not implemented for '${dtype}'; bitwise ops take int32 or bool tensors`);
  }
  if (op === 'sub' && (isBoolOperand(a) || isBoolOperand(b))) {
    throw new DTypeError(
      'sub: Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logicalNot()` operator instead; to subtract, convert first (e.g. mask.int()).',
    );
  }
  if (NO_BOOL.has(op) && dtype === 'bool') {
    throw new DTypeError(`${op}: "${op}" not implemented for 'bool' (both operands are bool); convert one first, e.g. x.int()`);
  }
  if (FLOAT_BINARY.has(op) && !isFloating(dtype)) dtype = 'float32';
  if (op === 'pow' && !isFloating(dtype)) checkIntPow(b);
  if ((op === 'remainder' || op === 'floorDivide' || op === 'fmod') && !isFloating(dtype)) checkIntDivisor(op, b);
  return dispatch1(op, [operandAs(a, dtype, like), operandAs(b, dtype, like)]);
}

function checkIntPow(e: TensorLike): void {
  const neg = isTensor(e) ? (e as Tensor).device.type === 'cpu' && Array.from((e as Tensor).dataSync()).some((v) => v < 0) : (e as number) < 0;
  if (neg) throw new ValueError('pow: Integers to negative integer powers are not allowed.');
}

function checkIntDivisor(op: string, b: TensorLike): void {
  const zero = isTensor(b) ? (b as Tensor).device.type === 'cpu' && Array.from((b as Tensor).dataSync()).some((v) => v === 0) : b === 0;
  if (zero) throw new ValueError(`${op}: ZeroDivisionError (integer division by zero); divide float tensors to get inf/nan instead`);
}

/**
 * `b * alpha` for add/sub: alpha takes no part in type promotion (int + int with alpha 2 stays
 * int, bool + bool stays bool), and a fractional alpha with an integral result is an error.
 */
function scaled(op: 'add' | 'sub', a: TensorLike, b: TensorLike, alpha: number): TensorLike {
  if (alpha === 1) return b;
  const dtype = resultType([promo(a), promo(b)]);
  if (!isFloating(dtype) && !Number.isInteger(alpha)) {
    throw new DTypeError(`${op}: For integral input tensors, argument alpha must not be a floating point number (got alpha=${alpha} for ${dtype} operands); convert an operand to float first`);
  }
  const like = firstTensor(a, b);
  return binary('mul', operandAs(b, dtype, like), operandAs(alpha, dtype, like));
}

/** a + alpha * b. */
export function add(a: TensorLike, b: TensorLike, options: { alpha?: number } = {}): Tensor {
  return binary('add', a, scaled('add', a, b, Number(options.alpha ?? 1)));
}

/** a - alpha * b. */
export function sub(a: TensorLike, b: TensorLike, options: { alpha?: number } = {}): Tensor {
  return binary('sub', a, scaled('sub', a, b, Number(options.alpha ?? 1)));
}

/** a * b. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return binary('mul', a, b);
}

/** True division, or rounded with `roundingMode` ('trunc' | 'floor'). */
export function div(a: TensorLike, b: TensorLike, options: { roundingMode?: 'trunc' | 'floor' | null } = {}): Tensor {
  const mode = options.roundingMode ?? null;
  if (mode === null) return binary('div', a, b);
  if (mode !== 'trunc' && mode !== 'floor') throw new ValueError(`div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '${String(mode)}'`);
  if (mode === 'floor') return binary('floorDivide', a, b);
  const dtype = resultType([promo(a), promo(b)]);
  if (isFloating(dtype)) return unary('trunc', binary('div', a, b));
  if (dtype === 'bool') throw new DTypeError(`div: "div_trunc" not implemented for 'bool'; convert first, e.g. x.int()`);
  checkIntDivisor('div', b);
  // float64 holds every int32 quotient closely enough that trunc is exact (float32 would not)
  const like = firstTensor(a, b);
  return unary('trunc', binary('div', operandAs(a, 'float64', like), operandAs(b, 'float64', like))).to(dtype);
}

/** x + value * t1 / t2; PyTorch refuses integer t1 and t2 (their division used to truncate). */
export function addcdiv(x: Tensor, t1: Tensor, t2: Tensor, value: number): Tensor {
  if (!isFloating(t1.dtype) && !isFloating(t2.dtype)) {
    throw new DTypeError(
      `addcdiv: Integer division with addcdiv is no longer supported (tensor1 ${t1.dtype}, tensor2 ${t2.dtype}); ` +
        'convert them to float first, or use (x + value * t1.div(t2, { roundingMode: "trunc" })) for integer division.',
    );
  }
  return add(x, mul(div(t1, t2), value));
}

/** x + weight * (end - x); floating dtypes only, as in PyTorch. */
export function lerp(x: Tensor, end: Tensor, weight: TensorLike): Tensor {
  if (!isFloating(x.dtype) || !isFloating(end.dtype)) {
    throw new DTypeError(`lerp: "lerp" not implemented for ${x.dtype} and ${end.dtype}; lerp takes floating tensors, convert with .float()`);
  }
  return add(x, mul(sub(end, x), weight));
}

/** a ** b. */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  return binary('pow', a, b);
}

/** where(cond, a, b): a where cond is true, else b (broadcast, promoted). */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  if (cond.dtype !== 'bool') throw new DTypeError(`where: expected condition to be a boolean tensor, but got a tensor with dtype ${cond.dtype}; compare first (e.g. x.gt(0))`);
  const like = firstTensor(a, b) ?? cond;
  const dtype = resultType([promo(a), promo(b)]);
  return dispatch1('where', [cond, operandAs(a, dtype, like), operandAs(b, dtype, like)]);
}

/** clamp(min, max) with scalar or tensor bounds; `clamp({ min, max })` form too. */
export function clamp(
  x: Tensor,
  min?: TensorLike | null | { min?: TensorLike | null; max?: TensorLike | null },
  max?: TensorLike | null,
): Tensor {
  if (min !== null && typeof min === 'object' && !isTensor(min)) {
    const o = min as { min?: TensorLike | null; max?: TensorLike | null };
    min = o.min ?? null;
    max = o.max ?? null;
  }
  const lo = (min ?? null) as TensorLike | null;
  const hi = (max ?? null) as TensorLike | null;
  if (lo === null && hi === null) throw new ValueError("clamp: At least one of 'min' or 'max' must not be None");
  let r = x;
  if (lo !== null) r = binary('maximum', r, lo);
  if (hi !== null) r = binary('minimum', r, hi);
  return r;
}

/** torch.round with `decimals`. */
export function round(x: Tensor, decimals: number): Tensor {
  if (decimals === 0) return unary('round', x);
  const s = 10 ** decimals;
  return div(unary('round', mul(x, s)), s);
}

/** logical_not (bool result). */
export function logicalNot(x: Tensor): Tensor {
  return dispatch1('logicalNot', [x]);
}

/** logical_or (bool result). */
export function logicalOr(a: TensorLike, b: TensorLike): Tensor {
  return binary('logicalOr', a, b);
}

/** Bitwise not: logical not for bool, ~x for int32. */
export function bitwiseNot(x: Tensor): Tensor {
  if (x.dtype === 'bool') return logicalNot(x);
  if (x.dtype !== 'int32') throw new DTypeError(`bitwiseNot: not implemented for '${x.dtype}'; use an int32 or bool tensor`);
  return binary('sub', binary('mul', x, -1), 1);
}

/** torch.nan_to_num. */
export function nanToNum(x: Tensor, o: { nan?: number; posinf?: number; neginf?: number }): Tensor {
  if (!isFloating(x.dtype)) return x.clone();
  const big = x.dtype === 'float32' ? 3.4028234663852886e38 : Number.MAX_VALUE;
  let r = where(unary('isnan', x), o.nan ?? 0, x);
  r = where(binary('eq', r, Infinity), o.posinf ?? big, r);
  return where(binary('eq', r, -Infinity), o.neginf ?? -big, r);
}

/** torch.isclose. */
export function isclose(a: Tensor, b: Tensor, o: { rtol?: number; atol?: number; equalNan?: boolean }): Tensor {
  const rtol = o.rtol ?? 1e-5, atol = o.atol ?? 1e-8;
  if (a.dtype !== b.dtype) throw new DTypeError(`isclose: ${a.dtype} did not match ${b.dtype}; convert one operand first`);
  const diff = unary('abs', sub(a, b));
  const tol = add(mul(unary('abs', b), rtol), atol);
  let close = binary('logicalOr', binary('eq', a, b), binary('le', diff, tol));
  if (o.equalNan) close = binary('logicalOr', close, binary('logicalAnd', unary('isnan', a), unary('isnan', b)));
  return close;
}

/** torch.allclose (a JS boolean). */
export function allclose(a: Tensor, b: Tensor, o: { rtol?: number; atol?: number; equalNan?: boolean }): boolean {
  return isclose(a, b, o).all().item() as boolean;
}

/** torch.equal: same shape and elements (a JS boolean). */
export function equal(a: Tensor, b: Tensor): boolean {
  if (a.shape.length !== b.shape.length || a.shape.some((s, i) => s !== b.shape[i])) return false;
  return binary('eq', a, b).all().item() as boolean;
}

/** Shape check used by ops that need equal shapes (no broadcasting). @internal */
export function checkSameShape(op: string, a: Tensor, b: Tensor): void {
  if (a.shape.length !== b.shape.length || a.shape.some((s, i) => s !== b.shape[i])) {
    throw new ShapeError(`${op}: expected tensors of the same shape, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  }
}
