/**
 * DTypes and PyTorch's type promotion.
 *
 * Kiln has four dtypes: float32, float64, int32, bool. PyTorch's int64 maps to int32 (JavaScript has
 * no fast 64-bit integer arrays); see the README for why.
 * @packageDocumentation
 */
import { DTypeError } from './errors.js';

/** The element types a tensor can have. */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

/** Every supported dtype, in promotion order (bool < int32 < float32 < float64). */
export const DTYPES: readonly DType[] = ['bool', 'int32', 'float32', 'float64'];

/** Typed array that stores elements of a dtype (bool is stored as one byte per element). */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** Maps a dtype to its typed array type. */
export interface TypedArrayFor {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
  bool: Uint8Array;
}

const CTORS = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  bool: Uint8Array,
} as const;

/** The typed-array constructor that stores `dtype`. */
export function arrayCtor(dtype: DType): Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor {
  return CTORS[dtype];
}

/** Allocates a zero-filled typed array of `n` elements of `dtype`. */
export function allocArray(dtype: DType, n: number): TypedArray {
  return new CTORS[dtype](n);
}

/** Bytes per element. */
export function itemSize(dtype: DType): number {
  return dtype === 'float64' ? 8 : dtype === 'bool' ? 1 : 4;
}

/** True for float32/float64. */
export function isFloating(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/** True for int32 and bool (PyTorch's "integral" includes bool when `includeBool`). */
export function isIntegral(dtype: DType, includeBool = false): boolean {
  return dtype === 'int32' || (includeBool && dtype === 'bool');
}

/** Throws a DTypeError unless `dtype` is one of Kiln's dtypes; maps a few PyTorch spellings. */
export function checkDType(dtype: unknown, op = 'tensor'): DType {
  if (dtype === 'float32' || dtype === 'float64' || dtype === 'int32' || dtype === 'bool') return dtype;
  const hint: Record<string, string> = {
    float: 'float32', double: 'float64', int: 'int32', long: 'int32', int64: 'int32',
    float16: 'float32', half: 'float32', bfloat16: 'float32', uint8: 'int32', int8: 'int32', int16: 'int32',
  };
  const h = typeof dtype === 'string' ? hint[dtype] : undefined;
  throw new DTypeError(
    `${op}: unsupported dtype ${JSON.stringify(dtype)}. Kiln supports float32, float64, int32 and bool` +
      (h ? `; use '${h}' instead (Kiln stores PyTorch's ${dtype} as ${h}).` : '.'),
  );
}

/** The dtype of a typed array, or a DTypeError naming the array type. */
export function dtypeOfArray(a: ArrayBufferView, op = 'fromTypedArray'): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint8Array) return 'bool';
  throw new DTypeError(
    `${op}: unsupported typed array ${a.constructor.name}; pass a Float32Array, Float64Array, Int32Array or Uint8Array (bool).`,
  );
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** torch.promote_types: the smallest dtype both can be converted to. */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Category used by PyTorch's result_type: bool < integral < floating. */
function category(d: DType): number {
  return d === 'bool' ? 0 : d === 'int32' ? 1 : 2;
}

/** An operand of result type computation: a tensor (dim > 0 or 0-d) or a JS scalar. */
export interface PromotionOperand {
  dtype: DType;
  /** 'tensor' for dim > 0, 'zerodim' for 0-d tensors, 'scalar' for JS numbers/booleans. */
  kind: 'tensor' | 'zerodim' | 'scalar';
}

/**
 * torch.result_type: dimensioned tensors win over 0-d tensors, which win over Python (JS) scalars,
 * unless the lower-priority operand is of a higher category (bool < integer < float).
 */
export function resultType(ops: readonly PromotionOperand[]): DType {
  const best: Record<PromotionOperand['kind'], DType | null> = { tensor: null, zerodim: null, scalar: null };
  for (const o of ops) {
    const cur = best[o.kind];
    best[o.kind] = cur === null ? o.dtype : promoteTypes(cur, o.dtype);
  }
  let out: DType | null = best.tensor;
  for (const k of ['zerodim', 'scalar'] as const) {
    const d = best[k];
    if (d === null) continue;
    if (out === null) out = d;
    else if (category(d) > category(out)) {
      // A higher-category scalar promotes to the default dtype of that category (float32 for
      // floats, as torch.get_default_dtype()), never to float64.
      out = k === 'scalar' ? (category(d) === 2 ? 'float32' : 'int32') : d;
    }
  }
  return out ?? 'float32';
}

/** The dtype of a JS scalar as PyTorch infers it: boolean → bool, integer → int (int32), else float. */
export function scalarDType(v: number | boolean): DType {
  if (typeof v === 'boolean') return 'bool';
  return Number.isInteger(v) ? 'int32' : 'float32';
}
