/**
 * The Backend contract: the small primitive set a device implements. Everything else in Kiln is
 * composed from these in TypeScript; a backend may replace a composite with a fused kernel through
 * `overrides` (an optimisation, never a requirement).
 *
 * Rules: inputs are strided {@link Operand}s (broadcast, transposed, sliced views cost nothing);
 * compute outputs are fresh, contiguous handles of the given shape. Only `copyInto` and `fill`
 * write into an existing handle.
 * @packageDocumentation
 */
import type { DType, TypedArray } from '../dtype.js';
import type { View } from '../shape.js';

/** Bumped when the contract changes incompatibly; checked by `registerBackend`. */
export const CONTRACT_VERSION = 1;

/** An opaque, backend-owned buffer. */
export type Handle = object;

/** A strided read of a handle: dtype plus shape/strides/offset in elements. */
export interface Operand { readonly handle: Handle; readonly dtype: DType; readonly view: View }

export type UnaryOp =
  | 'neg' | 'abs' | 'sign' | 'sqrt' | 'rsqrt' | 'exp' | 'log' | 'log1p' | 'expm1' | 'sin' | 'cos'
  | 'tan' | 'asin' | 'acos' | 'atan' | 'sinh' | 'cosh' | 'tanh' | 'sigmoid' | 'relu' | 'floor'
  | 'ceil' | 'round' | 'trunc' | 'reciprocal' | 'erf' | 'erfinv' | 'logicalNot' | 'isnan' | 'isinf'
  | 'square' | 'log2' | 'exp2';
export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'floorDivide' | 'pow' | 'maximum' | 'minimum' | 'remainder'
  | 'fmod' | 'atan2' | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'logicalAnd' | 'logicalOr'
  | 'logicalXor' | 'bitwiseAnd' | 'bitwiseOr' | 'bitwiseXor';
export type ReduceOp = 'sum' | 'prod' | 'max' | 'min' | 'argmax' | 'argmin';
export type ScanOp = 'cumsum' | 'cumprod' | 'cummax' | 'cummin';
export type RandomKind = 'uniform' | 'normal';

/** What a backend can do; the dispatcher falls back or errors with these in mind. */
export interface Capabilities { dtypes: readonly DType[]; readSync: boolean; zeroCopy: boolean }

export interface Backend {
  readonly name: string;
  readonly contractVersion: number;
  readonly capabilities: Capabilities;
  // storage
  alloc(dtype: DType, numel: number): Handle;
  upload(data: TypedArray, dtype: DType): Handle; // copies; `adopt` (if present) shares memory
  adopt?(data: TypedArray, dtype: DType): Handle;
  read(x: Operand): Promise<TypedArray>; // contiguous copy of the view
  readSync?(x: Operand): TypedArray;
  retain(h: Handle): void;
  release(h: Handle): void;
  byteLength(h: Handle): number;
  flush(): void;
  dispose(): void;
  // compute: outputs are fresh contiguous handles
  unary(op: UnaryOp, x: Operand, outDtype: DType): Handle;
  binary(op: BinaryOp, a: Operand, b: Operand, outShape: readonly number[], outDtype: DType): Handle;
  cast(x: Operand, dtype: DType): Handle;
  where(cond: Operand, a: Operand, b: Operand, outShape: readonly number[], outDtype: DType): Handle;
  reduce(op: ReduceOp, x: Operand, axes: readonly number[], outDtype: DType): Handle; // axes removed
  scan(op: ScanOp, x: Operand, axis: number, outDtype: DType): { values: Handle; indices?: Handle };
  contiguous(x: Operand): Handle; // materialises any view (on an overlapping view: im2col)
  matmul(a: Operand, b: Operand, outShape: readonly number[], outDtype: DType): Handle; // [...B,M,K]@[...B,K,N]
  gather(x: Operand, axis: number, index: Operand): Handle; // out shape = index shape
  scatter(x: Operand, axis: number, index: Operand, src: Operand, mode: 'assign' | 'add'): Handle; // copy of x, scattered
  sort(x: Operand, axis: number, descending: boolean, stable: boolean): { values: Handle; indices: Handle };
  // in-place writes into an existing handle
  copyInto(dst: Operand, src: Operand): void; // src already broadcast/cast to dst's shape/dtype
  fill(dst: Operand, value: number): void;
  random?(kind: RandomKind, numel: number, dtype: DType, seed: readonly [number, number], offset: number): Handle;
  /** Fused replacements for composites, looked up by op name before the decomposition. */
  overrides?: Partial<Record<string, CompositeKernel>>;
}

/** A fused kernel for a composite op: same inputs/attrs as the op, returns the op's outputs. */
export type CompositeKernel = (inputs: readonly unknown[], attrs: Readonly<Record<string, unknown>>) => unknown;
