/**
 * The Tensor class: dtype, device, a shared {@link Storage}, a {@link View} into it, and the
 * autograd slot. Methods are thin: each forwards to an op function (one concept per file under
 * `ops/`), which goes through the dispatcher.
 * @packageDocumentation
 */
import type { Operand } from './backend/backend.js';
import { autogradHooks, type BackwardOptions, type GradFn, type RemovableHandle } from './autograd-hooks.js';
import { backendOf, getDevice, type Device, type DeviceLike } from './device.js';
import { checkDType, isFloating, type DType, type TypedArray } from './dtype.js';
import { AutogradError, DisposedError, SyncReadError, fmtShape } from './errors.js';
import { retrackTensor, trackTensor, untrackTensor } from './memory.js';
import { contiguousView, isContiguousView, normDim, numelOf, type View } from './shape.js';
import { Storage } from './storage.js';
import * as E from './ops/elementwise.js';
import * as R from './ops/reduction.js';
import * as V from './ops/views.js';
import * as L from './ops/linalg.js';
import * as I from './ops/index-ops.js';
import * as S from './ops/shape-ops.js';
import * as C from './ops/conversion.js';
import * as X from './indexing.js';
import { formatTensor } from './print.js';

/** A JS scalar accepted wherever PyTorch accepts a Python number. */
export type Scalar = number | boolean;
/** A tensor or a scalar operand. */
export type TensorLike = Tensor | Scalar;
/** Nested JS arrays of numbers/booleans. */
export type NestedArray = Scalar | readonly NestedArray[];
/** A shape given as an array, or as separate numbers (`view(2, 3)` and `view([2, 3])`). */
export type ShapeArgs = [readonly number[]] | number[];

/** A named pair that also destructures as a tuple: `const { values, indices } = x.max(1)` or `const [v, i] = x.max(1)`. */
export type ValuesIndices = [Tensor, Tensor] & { values: Tensor; indices: Tensor };

/** Builds a {@link ValuesIndices}. */
export function valuesIndices(values: Tensor, indices: Tensor): ValuesIndices {
  return Object.assign([values, indices] as [Tensor, Tensor], { values, indices });
}

/** Options accepted by reductions. */
export interface ReduceOptions {
  keepdim?: boolean;
  dtype?: DType;
}

/** A dimension argument: one dim, several dims, or none (all dims). */
export type Dims = number | readonly number[] | null | undefined;

let nextId = 1;

/** An n-dimensional array on a device, with PyTorch's semantics. */
export class Tensor implements Disposable {
  /** Always true; lets code recognise tensors across duplicated package copies. */
  readonly isTensor = true;
  /** Unique id (used in debugging output and by autograd). */
  readonly id = nextId++;
  /** The autograd slot: owned by `@kiln/autograd`, opaque to tensor. */
  autograd: unknown = null;
  /** Set on 0-d tensors that wrap a JS scalar (they do not win type promotion, as in PyTorch). */
  isWrappedNumber = false;
  private disposed = false;

  /** Creates a tensor over `storage` with `view`; use the creation functions instead. @internal */
  constructor(
    readonly storage: Storage,
    readonly layout: View,
    readonly dtype: DType,
  ) {
    storage.retain();
    trackTensor(this, storage);
  }

  /** Wraps a fresh backend handle holding a contiguous `shape`. @internal */
  static fromHandle(handle: object, dtype: DType, shape: readonly number[], device: Device): Tensor {
    const backend = backendOf(device);
    const storage = new Storage(backend, device, handle, dtype, numelOf(shape));
    return new Tensor(storage, contiguousView(shape), dtype);
  }

  /** A new tensor sharing this tensor's storage through another view. @internal */
  withView(view: View): Tensor {
    return new Tensor(this.storage, view, this.dtype);
  }

  // ---------------------------------------------------------------- attributes

  /** The size of each dimension. */
  get shape(): number[] {
    return [...this.layout.shape];
  }
  /** Strides in elements (PyTorch's `stride()`). */
  get strides(): number[] {
    return [...this.layout.strides];
  }
  /** PyTorch's `stride(dim?)`. */
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    return dim === undefined ? this.strides : this.layout.strides[normDim(dim, this.ndim, 'stride')]!;
  }
  /** Offset of the first element in the storage (PyTorch's `storage_offset()`). */
  storageOffset(): number {
    return this.layout.offset;
  }
  /** The device holding the data. */
  get device(): Device {
    return this.storage.device;
  }
  /** Number of dimensions. */
  get ndim(): number {
    return this.layout.shape.length;
  }
  /** Alias of `ndim` (PyTorch's `dim()`). */
  dim(): number {
    return this.ndim;
  }
  /** Number of elements. */
  numel(): number {
    return numelOf(this.layout.shape);
  }
  /** The whole shape, or the size of one dim (PyTorch's `size(dim)`). */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    return dim === undefined ? this.shape : this.layout.shape[normDim(dim, this.ndim, 'size')]!;
  }
  /** True when the elements are laid out row-major without gaps. */
  isContiguous(): boolean {
    return isContiguousView(this.layout);
  }
  /** True for float32/float64. */
  isFloatingPoint(): boolean {
    return isFloating(this.dtype);
  }
  /** Bytes per element. */
  elementSize(): number {
    return this.dtype === 'float64' ? 8 : this.dtype === 'bool' ? 1 : 4;
  }
  /** True once `dispose()` was called. */
  get isDisposed(): boolean {
    return this.disposed;
  }
  /** The strided operand a backend kernel reads. @internal */
  operand(): Operand {
    this.assertAlive('operand');
    return { handle: this.storage.handle, dtype: this.dtype, view: this.layout };
  }

  // ---------------------------------------------------------------- memory

  /** Releases this tensor's reference to its storage; using it afterwards throws DisposedError. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    untrackTensor(this);
    this.storage.release();
  }
  /**
   * Points this tensor at `source`'s storage, shape, strides and dtype in place, keeping the object
   * (PyTorch's `t.set_(source)` / `param.data = source`): modules use it so optimizers that hold a
   * parameter keep working after `module.to(...)`. Bumps the version counter of the new storage.
   */
  set_(source: Tensor): this {
    this.assertAlive('set_');
    source.assertAlive('set_');
    if (source.storage === this.storage && source.layout === this.layout && source.dtype === this.dtype) return this;
    const old = this.storage;
    source.storage.retain();
    // the class owns these fields; set_ is the one place that re-points them
    const self = this as { storage: Storage; layout: View; dtype: DType };
    self.storage = source.storage;
    self.layout = source.layout;
    self.dtype = source.dtype;
    retrackTensor(this, source.storage);
    old.release();
    this.storage.version++;
    return this;
  }
  /** `using t = …` disposes at the end of the scope. */
  [Symbol.dispose](): void {
    this.dispose();
  }
  /** Throws DisposedError naming `op` when the tensor was disposed. @internal */
  assertAlive(op: string): void {
    if (this.disposed || this.storage.isFreed) {
      throw new DisposedError(
        `${op}: this tensor (shape ${fmtShape(this.layout.shape)}, ${this.dtype}, ${this.device}) was disposed; ` +
          'do not use a tensor after dispose() or outside the tidy() that created it (return it from tidy to keep it).',
      );
    }
  }

  // ---------------------------------------------------------------- autograd slot

  /** Whether operations on this tensor are recorded for differentiation. */
  get requiresGrad(): boolean {
    return autogradHooks().requiresGrad(this);
  }
  set requiresGrad(v: boolean) {
    this.requiresGrad_(v);
  }
  /** Sets `requiresGrad` in place and returns this tensor. */
  requiresGrad_(requiresGrad = true): this {
    if (requiresGrad && !isFloating(this.dtype)) {
      throw new AutogradError(
        `requiresGrad_: only Tensors of floating point dtype can require gradients (got ${this.dtype}); convert with .float() first.`,
      );
    }
    autogradHooks().setRequiresGrad(this, requiresGrad);
    return this;
  }
  /** The accumulated gradient (leaves), or null. */
  get grad(): Tensor | null {
    return autogradHooks().grad(this);
  }
  set grad(g: Tensor | null) {
    autogradHooks().setGrad(this, g);
  }
  /** The node that created this tensor (null for leaves and without autograd); `gradFn.name()`, `gradFn.nextFunctions`. */
  get gradFn(): GradFn | null {
    return autogradHooks().gradFn(this) as GradFn | null;
  }
  /** True for tensors not created by a recorded op. */
  get isLeaf(): boolean {
    return autogradHooks().isLeaf(this);
  }
  /** True when `retainGrad()` was called on this non-leaf. */
  get retainsGrad(): boolean {
    return autogradHooks().retainsGrad(this);
  }
  /**
   * Computes gradients of this tensor w.r.t. graph leaves (needs `@kiln/autograd`):
   * `loss.backward()`, `y.backward(v)`, `y.backward(v, { retainGraph: true })`, and — as
   * PyTorch's keyword-only call `loss.backward(retain_graph=True)` — `loss.backward({ retainGraph: true })`.
   */
  backward(gradient?: Tensor | null, options?: BackwardOptions): void;
  backward(options: BackwardOptions): void;
  backward(gradient?: Tensor | BackwardOptions | null, options: BackwardOptions = {}): void {
    if (gradient && !isTensor(gradient)) autogradHooks().backward(this, undefined, gradient as BackwardOptions);
    else autogradHooks().backward(this, (gradient as Tensor | null | undefined) ?? undefined, options);
  }
  /** Keeps `.grad` for this non-leaf tensor during backward. */
  retainGrad(): void {
    autogradHooks().retainGrad(this);
  }
  /** Registers a hook called with this tensor's gradient; it may return a replacement. */
  registerHook(hook: (grad: Tensor) => Tensor | void): RemovableHandle {
    return autogradHooks().registerHook(this, hook);
  }
  /** A tensor sharing storage but outside the graph. */
  detach(): Tensor {
    return V.detach(this);
  }
  /** Detaches this tensor from the graph in place. */
  detach_(): this {
    autogradHooks().detachInPlace(this);
    return this;
  }

  // ---------------------------------------------------------------- readback

  private syncOperand(form: string, asyncForm: string): Operand {
    this.assertAlive(form);
    const b = this.storage.backend;
    if (!b.readSync) {
      throw new SyncReadError(
        `${form}: device '${this.device}' cannot read synchronously; use \`await t.${asyncForm}\` instead (or move the tensor to the CPU first).`,
      );
    }
    return this.operand();
  }
  /** A contiguous copy of the elements (CPU and other sync-readable devices). */
  dataSync(): TypedArray {
    const op = this.syncOperand('dataSync()', 'data()');
    return this.storage.backend.readSync!(op);
  }
  /** A contiguous copy of the elements, on any device. */
  async data(): Promise<TypedArray> {
    this.assertAlive('data()');
    return this.storage.backend.read(this.operand());
  }
  /** The value of a one-element tensor as a JS number (booleans for bool tensors). */
  item(): number | boolean {
    this.syncOperand('item()', 'itemAsync()');
    return C.itemOf(this, this.dataSync());
  }
  /** Async form of `item()` for every device. */
  async itemAsync(): Promise<number | boolean> {
    return C.itemOf(this, await this.data());
  }
  /** Nested JS arrays of the elements (booleans for bool tensors). */
  tolist(): NestedArray {
    this.syncOperand('tolist()', 'tolistAsync()');
    return C.toNested(this.dataSync(), this.shape, this.dtype);
  }
  /** Async form of `tolist()` for every device. */
  async tolistAsync(): Promise<NestedArray> {
    return C.toNested(await this.data(), this.shape, this.dtype);
  }

  // ---------------------------------------------------------------- conversion

  /** Converts dtype and/or device: `to('float64')`, `to('webgpu')`, `to({ dtype, device })`, `to(other)`. */
  to(target: DType | DeviceLike | Tensor | { dtype?: DType; device?: DeviceLike; copy?: boolean }): Tensor {
    return C.to(this, target);
  }
  /** Moves to the CPU (`to('cpu')`). */
  cpu(): Tensor {
    return C.to(this, 'cpu');
  }
  /** `to('float32')`. */
  float(): Tensor {
    return C.to(this, 'float32');
  }
  /** `to('float64')`. */
  double(): Tensor {
    return C.to(this, 'float64');
  }
  /** `to('int32')` (PyTorch's `.long()`/`.int()`; Kiln's integer dtype is int32). */
  int(): Tensor {
    return C.to(this, 'int32');
  }
  /** Same as `int()`: PyTorch's int64 maps to int32 in Kiln. */
  long(): Tensor {
    return C.to(this, 'int32');
  }
  /** `to('bool')`. */
  bool(): Tensor {
    return C.to(this, 'bool');
  }
  /** The dtype name, or a converted tensor when given a dtype (PyTorch's `.type()`). */
  type(): string;
  type(dtype: DType): Tensor;
  type(dtype?: DType): string | Tensor {
    return dtype === undefined ? this.dtype : C.to(this, checkDType(dtype, 'type'));
  }
  /** A copy with its own storage (differentiable). */
  clone(): Tensor {
    return C.clone(this);
  }
  /** This tensor if contiguous, else a contiguous copy. */
  contiguous(): Tensor {
    return C.contiguous(this);
  }
  /** Copies `src` (broadcast, cast, any device) into this tensor in place. */
  copy_(src: TensorLike): this {
    C.copy_(this, src);
    return this;
  }

  // ---------------------------------------------------------------- views

  /** A view with a new shape (copy only when the strides forbid a view; PyTorch's reshape). */
  reshape(...shape: ShapeArgs): Tensor {
    return V.reshape(this, V.shapeArg(shape));
  }
  /** A view with a new shape; ShapeError when the strides forbid it (PyTorch's view). */
  view(...shape: ShapeArgs): Tensor {
    return V.view(this, V.shapeArg(shape));
  }
  /** A view with another tensor's shape. */
  viewAs(other: Tensor): Tensor {
    return V.view(this, other.shape);
  }
  /** `reshape` to another tensor's shape. */
  reshapeAs(other: Tensor): Tensor {
    return V.reshape(this, other.shape);
  }
  /** Reorders dims. */
  permute(...dims: ShapeArgs): Tensor {
    return V.permute(this, V.shapeArg(dims));
  }
  /** Swaps two dims. */
  transpose(dim0: number, dim1: number): Tensor {
    return V.transpose(this, dim0, dim1);
  }
  /** Transposes a ≤2-D tensor. */
  t(): Tensor {
    return V.t(this);
  }
  /** Transpose of the last two dims… PyTorch's `.T` reverses all dims. */
  get T(): Tensor {
    return V.permute(this, [...Array(this.ndim).keys()].reverse());
  }
  /** Transpose of the last two dims (PyTorch's `.mT`). */
  get mT(): Tensor {
    return V.transpose(this, -2, -1);
  }
  /** Removes size-1 dims (all, one, or several). */
  squeeze(dim?: Dims): Tensor {
    return V.squeeze(this, dim);
  }
  /** Inserts a size-1 dim. */
  unsqueeze(dim: number): Tensor {
    return V.unsqueeze(this, dim);
  }
  /** Broadcasts to a larger shape without copying (-1 keeps a size). */
  expand(...shape: ShapeArgs): Tensor {
    return V.expand(this, V.shapeArg(shape));
  }
  /** `expand` to another tensor's shape. */
  expandAs(other: Tensor): Tensor {
    return V.expand(this, other.shape);
  }
  /** Flattens dims `startDim..endDim` into one. */
  flatten(startDim = 0, endDim = -1): Tensor {
    return V.flatten(this, startDim, endDim);
  }
  /** Splits one dim into `sizes`. */
  unflatten(dim: number, sizes: readonly number[]): Tensor {
    return V.unflatten(this, dim, sizes);
  }
  /** A slice `start .. start+length` of one dim. */
  narrow(dim: number, start: number, length: number): Tensor {
    return V.narrow(this, dim, start, length);
  }
  /** A strided slice of one dim (`x[:, start:end:step]`). */
  slice(dim: number, start?: number | null, end?: number | null, step = 1): Tensor {
    return V.slice(this, dim, start ?? null, end ?? null, step);
  }
  /** Selects one index of a dim, removing it. */
  select(dim: number, index: number): Tensor {
    return V.select(this, dim, index);
  }
  /** Reverses the given dims (a view with negative strides; PyTorch copies). */
  flip(...dims: ShapeArgs): Tensor {
    return V.flip(this, V.shapeArg(dims));
  }
  /** A view with explicit sizes/strides/offset over the same storage. */
  asStrided(size: readonly number[], stride: readonly number[], storageOffset?: number): Tensor {
    return V.asStrided(this, size, stride, storageOffset);
  }
  /** Sliding windows of `size` with `step` along `dim` (a new last dim). */
  unfold(dim: number, size: number, step: number): Tensor {
    return V.unfold(this, dim, size, step);
  }
  /** The diagonal (offset, dim1, dim2) as a view. */
  diagonal(offset = 0, dim1 = 0, dim2 = 1): Tensor {
    return V.diagonal(this, offset, dim1, dim2);
  }
  /** Splits into chunks of `splitSize` (or the given sizes) along `dim`. */
  split(splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] {
    return V.split(this, splitSizeOrSections, dim);
  }
  /** Splits into `chunks` nearly equal parts along `dim`. */
  chunk(chunks: number, dim = 0): Tensor[] {
    return V.chunk(this, chunks, dim);
  }
  /** Removes a dim, returning its slices. */
  unbind(dim = 0): Tensor[] {
    return V.unbind(this, dim);
  }

  // ---------------------------------------------------------------- indexing

  /** NumPy-style read: `x.index(0, slice(1, null, 2), '...', null, mask, idxTensor)`. See `indexing.ts`. */
  index(...indices: X.Index[]): Tensor {
    return X.getIndex(this, indices);
  }
  /** NumPy-style write in place: `x.indexPut_([mask], 0)` is `x[mask] = 0`. */
  indexPut_(indices: readonly X.Index[], value: TensorLike, options: { accumulate?: boolean } = {}): this {
    X.setIndex(this, indices, value, options.accumulate ?? false);
    return this;
  }
  /** Gathers values along `dim` at `index`. */
  gather(dim: number, index: Tensor): Tensor {
    return I.gather(this, dim, index);
  }
  /** Out-of-place scatter of `src` (tensor or scalar) along `dim` at `index`. */
  scatter(dim: number, index: Tensor, src: TensorLike, options: { reduce?: 'add' } = {}): Tensor {
    return I.scatter(this, dim, index, src, options);
  }
  /** In-place scatter. */
  scatter_(dim: number, index: Tensor, src: TensorLike, options: { reduce?: 'add' } = {}): this {
    return C.assign_(this, I.scatter(this, dim, index, src, options), 'scatter_');
  }
  /** Out-of-place scatter with addition. */
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return I.scatterAdd(this, dim, index, src);
  }
  /** In-place scatter with addition. */
  scatterAdd_(dim: number, index: Tensor, src: Tensor): this {
    return C.assign_(this, I.scatterAdd(this, dim, index, src), 'scatterAdd_');
  }
  /** Selects entries of `dim` listed in a 1-D index tensor. */
  indexSelect(dim: number, index: Tensor): Tensor {
    return I.indexSelect(this, dim, index);
  }
  /** Adds `source` rows into this tensor at `index` along `dim` (out of place). */
  indexAdd(dim: number, index: Tensor, source: Tensor, options: { alpha?: number } = {}): Tensor {
    return I.indexAdd(this, dim, index, source, options.alpha ?? 1);
  }
  /** Fills where `mask` is true (broadcast) with `value`. */
  maskedFill(mask: Tensor, value: TensorLike): Tensor {
    return I.maskedFill(this, mask, value);
  }
  /** In-place `maskedFill` (the tutorial's `grad_h[h < 0] = 0` is `gradH.maskedFill_(h.lt(0), 0)`). */
  maskedFill_(mask: Tensor, value: TensorLike): this {
    return C.assign_(this, I.maskedFill(this, mask, value), 'maskedFill_');
  }
  /** 1-D tensor of the elements where `mask` is true. */
  maskedSelect(mask: Tensor): Tensor {
    return I.maskedSelect(this, mask);
  }
  /** Indices of non-zero elements, shape [n, ndim] (or one tensor per dim with `asTuple`). */
  nonzero(): Tensor {
    return I.nonzero(this);
  }
  /** `where(cond, this, other)`. */
  where(condition: Tensor, other: TensorLike): Tensor {
    return E.where(condition, this, other);
  }

  // ---------------------------------------------------------------- arithmetic

  /** `this + alpha * other`. */
  add(other: TensorLike, options?: { alpha?: number }): Tensor {
    return E.add(this, other, options);
  }
  /** `this - alpha * other`. */
  sub(other: TensorLike, options?: { alpha?: number }): Tensor {
    return E.sub(this, other, options);
  }
  /** `other - alpha * this` (PyTorch's rsub). */
  rsub(other: TensorLike, options?: { alpha?: number }): Tensor {
    return E.sub(E.scalarLike(other, this), this, options);
  }
  /** Elementwise product. */
  mul(other: TensorLike): Tensor {
    return E.mul(this, other);
  }
  /** True division (integers promote to float); `roundingMode: 'trunc' | 'floor'`. */
  div(other: TensorLike, options?: { roundingMode?: 'trunc' | 'floor' | null }): Tensor {
    return E.div(this, other, options);
  }
  /** Alias of `div`. */
  trueDivide(other: TensorLike): Tensor {
    return E.div(this, other);
  }
  /** `floor(this / other)`. */
  floorDivide(other: TensorLike): Tensor {
    return E.div(this, other, { roundingMode: 'floor' });
  }
  /** Elementwise power. */
  pow(exponent: TensorLike): Tensor {
    return E.pow(this, exponent);
  }
  /** Python-style modulo (sign of the divisor). */
  remainder(other: TensorLike): Tensor {
    return E.binary('remainder', this, other);
  }
  /** C-style modulo (sign of the dividend). */
  fmod(other: TensorLike): Tensor {
    return E.binary('fmod', this, other);
  }
  /** Elementwise maximum (NaN propagates). */
  maximum(other: Tensor): Tensor {
    return E.binary('maximum', this, other);
  }
  /** Elementwise minimum (NaN propagates). */
  minimum(other: Tensor): Tensor {
    return E.binary('minimum', this, other);
  }
  /** Elementwise atan2(this, other). */
  atan2(other: TensorLike): Tensor {
    return E.binary('atan2', this, other);
  }
  /** Clamps into [min, max]: `clamp(-1, 1)`, `clamp({ min: 0 })`; bounds may be tensors. */
  clamp(min?: TensorLike | null | { min?: TensorLike | null; max?: TensorLike | null }, max?: TensorLike | null): Tensor {
    return E.clamp(this, min, max);
  }
  /** Alias of `clamp`. */
  clip(min?: TensorLike | null | { min?: TensorLike | null; max?: TensorLike | null }, max?: TensorLike | null): Tensor {
    return E.clamp(this, min, max);
  }
  /** `this + value * t1 * t2`. */
  addcmul(t1: Tensor, t2: Tensor, options: { value?: number } = {}): Tensor {
    return E.add(this, E.mul(E.mul(t1, t2), options.value ?? 1));
  }
  /** `this + value * t1 / t2`. */
  addcdiv(t1: Tensor, t2: Tensor, options: { value?: number } = {}): Tensor {
    return E.addcdiv(this, t1, t2, options.value ?? 1);
  }
  /** Linear interpolation `this + weight * (end - this)` (floating dtypes). */
  lerp(end: Tensor, weight: TensorLike): Tensor {
    return E.lerp(this, end, weight);
  }

  neg(): Tensor { return E.unary('neg', this); }
  negative(): Tensor { return E.unary('neg', this); }
  abs(): Tensor { return E.unary('abs', this); }
  sign(): Tensor { return E.unary('sign', this); }
  sqrt(): Tensor { return E.unary('sqrt', this); }
  rsqrt(): Tensor { return E.unary('rsqrt', this); }
  square(): Tensor { return E.unary('square', this); }
  exp(): Tensor { return E.unary('exp', this); }
  exp2(): Tensor { return E.unary('exp2', this); }
  log(): Tensor { return E.unary('log', this); }
  log2(): Tensor { return E.unary('log2', this); }
  log10(): Tensor { return E.div(E.unary('log', this), Math.LN10); }
  log1p(): Tensor { return E.unary('log1p', this); }
  expm1(): Tensor { return E.unary('expm1', this); }
  sin(): Tensor { return E.unary('sin', this); }
  cos(): Tensor { return E.unary('cos', this); }
  tan(): Tensor { return E.unary('tan', this); }
  asin(): Tensor { return E.unary('asin', this); }
  acos(): Tensor { return E.unary('acos', this); }
  atan(): Tensor { return E.unary('atan', this); }
  sinh(): Tensor { return E.unary('sinh', this); }
  cosh(): Tensor { return E.unary('cosh', this); }
  tanh(): Tensor { return E.unary('tanh', this); }
  sigmoid(): Tensor { return E.unary('sigmoid', this); }
  relu(): Tensor { return E.unary('relu', this); }
  floor(): Tensor { return E.unary('floor', this); }
  ceil(): Tensor { return E.unary('ceil', this); }
  /** Round half to even; `decimals` rounds to that many decimal places. */
  round(options: { decimals?: number } = {}): Tensor { return E.round(this, options.decimals ?? 0); }
  trunc(): Tensor { return E.unary('trunc', this); }
  frac(): Tensor { return E.frac(this); }
  reciprocal(): Tensor { return E.unary('reciprocal', this); }
  erf(): Tensor { return E.unary('erf', this); }
  erfinv(): Tensor { return E.unary('erfinv', this); }
  isnan(): Tensor { return E.unary('isnan', this); }
  isinf(): Tensor { return E.unary('isinf', this); }
  isfinite(): Tensor { return E.logicalNot(E.logicalOr(E.unary('isnan', this), E.unary('isinf', this))); }
  /** Replaces NaN/±Inf with finite numbers (PyTorch's defaults: 0, dtype max, dtype min). */
  nanToNum(options: { nan?: number; posinf?: number; neginf?: number } = {}): Tensor { return E.nanToNum(this, options); }

  // comparisons and logic (bool results)
  eq(other: TensorLike): Tensor { return E.binary('eq', this, other); }
  ne(other: TensorLike): Tensor { return E.binary('ne', this, other); }
  lt(other: TensorLike): Tensor { return E.binary('lt', this, other); }
  le(other: TensorLike): Tensor { return E.binary('le', this, other); }
  gt(other: TensorLike): Tensor { return E.binary('gt', this, other); }
  ge(other: TensorLike): Tensor { return E.binary('ge', this, other); }
  /** True when shapes and all elements are equal (a JS boolean; CPU/sync devices). */
  equal(other: Tensor): boolean { return E.equal(this, other); }
  /** True when all elements are within `atol + rtol * |other|` (a JS boolean). */
  allclose(other: Tensor, options: { rtol?: number; atol?: number; equalNan?: boolean } = {}): boolean {
    return E.allclose(this, other, options);
  }
  /** Elementwise closeness test (bool tensor). */
  isclose(other: Tensor, options: { rtol?: number; atol?: number; equalNan?: boolean } = {}): Tensor {
    return E.isclose(this, other, options);
  }
  logicalAnd(other: TensorLike): Tensor { return E.binary('logicalAnd', this, other); }
  logicalOr(other: TensorLike): Tensor { return E.binary('logicalOr', this, other); }
  logicalXor(other: TensorLike): Tensor { return E.binary('logicalXor', this, other); }
  logicalNot(): Tensor { return E.logicalNot(this); }
  bitwiseAnd(other: TensorLike): Tensor { return E.binary('bitwiseAnd', this, other); }
  bitwiseOr(other: TensorLike): Tensor { return E.binary('bitwiseOr', this, other); }
  bitwiseXor(other: TensorLike): Tensor { return E.binary('bitwiseXor', this, other); }
  bitwiseNot(): Tensor { return E.bitwiseNot(this); }

  // in-place variants (bump the storage version)
  add_(other: TensorLike, options?: { alpha?: number }): this { return C.assign_(this, E.add(this, other, options), 'add_'); }
  sub_(other: TensorLike, options?: { alpha?: number }): this { return C.assign_(this, E.sub(this, other, options), 'sub_'); }
  mul_(other: TensorLike): this { return C.assign_(this, E.mul(this, other), 'mul_'); }
  div_(other: TensorLike, options?: { roundingMode?: 'trunc' | 'floor' | null }): this { return C.assign_(this, E.div(this, other, options), 'div_'); }
  pow_(exponent: TensorLike): this { return C.assign_(this, E.pow(this, exponent), 'pow_'); }
  neg_(): this { return C.assign_(this, E.unary('neg', this), 'neg_'); }
  abs_(): this { return C.assign_(this, E.unary('abs', this), 'abs_'); }
  sqrt_(): this { return C.assign_(this, E.unary('sqrt', this), 'sqrt_'); }
  exp_(): this { return C.assign_(this, E.unary('exp', this), 'exp_'); }
  log_(): this { return C.assign_(this, E.unary('log', this), 'log_'); }
  sigmoid_(): this { return C.assign_(this, E.unary('sigmoid', this), 'sigmoid_'); }
  tanh_(): this { return C.assign_(this, E.unary('tanh', this), 'tanh_'); }
  relu_(): this { return C.assign_(this, E.unary('relu', this), 'relu_'); }
  floor_(): this { return C.assign_(this, E.unary('floor', this), 'floor_'); }
  ceil_(): this { return C.assign_(this, E.unary('ceil', this), 'ceil_'); }
  round_(options: { decimals?: number } = {}): this { return C.assign_(this, E.round(this, options.decimals ?? 0), 'round_'); }
  trunc_(): this { return C.assign_(this, E.unary('trunc', this), 'trunc_'); }
  reciprocal_(): this { return C.assign_(this, E.unary('reciprocal', this), 'reciprocal_'); }
  clamp_(min?: TensorLike | null | { min?: TensorLike | null; max?: TensorLike | null }, max?: TensorLike | null): this {
    return C.assign_(this, E.clamp(this, min, max), 'clamp_');
  }
  addcmul_(t1: Tensor, t2: Tensor, options: { value?: number } = {}): this { return C.assign_(this, this.addcmul(t1, t2, options), 'addcmul_'); }
  addcdiv_(t1: Tensor, t2: Tensor, options: { value?: number } = {}): this { return C.assign_(this, this.addcdiv(t1, t2, options), 'addcdiv_'); }
  lerp_(end: Tensor, weight: TensorLike): this { return C.assign_(this, this.lerp(end, weight), 'lerp_'); }
  /** Fills with a scalar in place. */
  fill_(value: TensorLike): this { return C.fill_(this, value); }
  /** Fills with zeros in place. */
  zero_(): this { return C.fill_(this, 0); }
  /** Fills with U(from, to) samples in place (global or given generator). */
  uniform_(from = 0, to = 1, options: { generator?: import('./random.js').Generator } = {}): this { return C.randomFill_(this, 'uniform', from, to, options.generator); }
  /** Fills with N(mean, std) samples in place. */
  normal_(mean = 0, std = 1, options: { generator?: import('./random.js').Generator } = {}): this { return C.randomFill_(this, 'normal', mean, std, options.generator); }

  // ---------------------------------------------------------------- reductions

  /** Sum over `dim` (all dims when omitted). */
  sum(dim?: Dims | ReduceOptions, options?: ReduceOptions): Tensor { return R.sum(this, dim, options); }
  /** Mean over `dim` (floating dtypes only, as in PyTorch). */
  mean(dim?: Dims | ReduceOptions, options?: ReduceOptions): Tensor { return R.mean(this, dim, options); }
  /** Sum ignoring NaN. */
  nansum(dim?: Dims | ReduceOptions, options?: ReduceOptions): Tensor { return R.nansum(this, dim, options); }
  /** Product over `dim`. */
  prod(dim?: number | ReduceOptions, options?: ReduceOptions): Tensor { return R.prod(this, dim, options); }
  /** `max()` of all elements, `max(dim)` → {values, indices}, `max(other)` → elementwise maximum. */
  max(): Tensor;
  max(dim: number, options?: { keepdim?: boolean }): ValuesIndices;
  max(other: Tensor): Tensor;
  max(arg?: number | Tensor, options?: { keepdim?: boolean }): Tensor | ValuesIndices { return R.maxMin('max', this, arg, options); }
  /** `min()`, `min(dim)` → {values, indices}, `min(other)`. */
  min(): Tensor;
  min(dim: number, options?: { keepdim?: boolean }): ValuesIndices;
  min(other: Tensor): Tensor;
  min(arg?: number | Tensor, options?: { keepdim?: boolean }): Tensor | ValuesIndices { return R.maxMin('min', this, arg, options); }
  /** Maximum over several dims (values only). */
  amax(dim?: Dims, options?: { keepdim?: boolean }): Tensor { return R.amaxAmin('max', this, dim, options); }
  /** Minimum over several dims (values only). */
  amin(dim?: Dims, options?: { keepdim?: boolean }): Tensor { return R.amaxAmin('min', this, dim, options); }
  /** Index of the maximum (flattened when `dim` is omitted). */
  argmax(dim?: number | null | { keepdim?: boolean }, options?: { keepdim?: boolean }): Tensor { return R.argMaxMin('argmax', this, ...dimOrOptions(dim, options)); }
  /** Index of the minimum. */
  argmin(dim?: number | null | { keepdim?: boolean }, options?: { keepdim?: boolean }): Tensor { return R.argMaxMin('argmin', this, ...dimOrOptions(dim, options)); }
  /** Variance with Bessel's `correction` (default 1). */
  var(dim?: Dims | { correction?: number; keepdim?: boolean; unbiased?: boolean }, options?: { correction?: number; keepdim?: boolean; unbiased?: boolean }): Tensor { return R.variance(this, dim, options, false); }
  /** Standard deviation with Bessel's `correction` (default 1). */
  std(dim?: Dims | { correction?: number; keepdim?: boolean; unbiased?: boolean }, options?: { correction?: number; keepdim?: boolean; unbiased?: boolean }): Tensor { return R.variance(this, dim, options, true); }
  /** p-norm over `dim` (Frobenius/2-norm by default; p may be Infinity, -Infinity, 0). */
  norm(p: number | 'fro' = 2, dim?: Dims, options?: { keepdim?: boolean }): Tensor { return R.norm(this, p, dim, options); }
  /** log(sum(exp(x))) over `dim`, computed stably. */
  logsumexp(dim: Dims, options?: { keepdim?: boolean }): Tensor { return R.logsumexp(this, dim, options); }
  /** True when all elements (over `dim`) are non-zero. */
  all(dim?: Dims, options?: { keepdim?: boolean }): Tensor { return R.allAny('all', this, dim, options); }
  /** True when any element (over `dim`) is non-zero. */
  any(dim?: Dims, options?: { keepdim?: boolean }): Tensor { return R.allAny('any', this, dim, options); }
  /** Cumulative sum along `dim`. */
  cumsum(dim: number, options?: { dtype?: DType }): Tensor { return R.cumulative('cumsum', this, dim, options); }
  /** Cumulative product along `dim`. */
  cumprod(dim: number, options?: { dtype?: DType }): Tensor { return R.cumulative('cumprod', this, dim, options); }
  /** Running maximum along `dim` → {values, indices}. */
  cummax(dim: number): ValuesIndices { return R.cumExtreme('cummax', this, dim); }
  /** Running minimum along `dim` → {values, indices}. */
  cummin(dim: number): ValuesIndices { return R.cumExtreme('cummin', this, dim); }

  // ---------------------------------------------------------------- sorting

  /** Sorts along `dim` → {values, indices} (stable; NaN last ascending). */
  sort(dim: number | { dim?: number; descending?: boolean; stable?: boolean } = -1, options: { descending?: boolean; stable?: boolean } = {}): ValuesIndices {
    const [d, o] = dimOrOptions(dim, options);
    return I.sort(this, d ?? -1, o.descending ?? false);
  }
  /** Indices that sort along `dim`. */
  argsort(dim: number | { dim?: number; descending?: boolean; stable?: boolean } = -1, options: { descending?: boolean; stable?: boolean } = {}): Tensor {
    return this.sort(dim, options).indices;
  }
  /** The `k` largest (or smallest) along `dim` → {values, indices}. */
  topk(k: number, dim: number | { dim?: number; largest?: boolean; sorted?: boolean } = -1, options: { largest?: boolean; sorted?: boolean } = {}): ValuesIndices {
    const [d, o] = dimOrOptions(dim, options);
    return I.topk(this, k, d ?? -1, o.largest ?? true);
  }

  // ---------------------------------------------------------------- linear algebra

  /** Matrix product with PyTorch's 1-D/batched broadcasting rules. */
  matmul(other: Tensor): Tensor { return L.matmul(this, other); }
  /** 2-D matrix product. */
  mm(other: Tensor): Tensor { return L.mm(this, other); }
  /** Batched 3-D matrix product. */
  bmm(other: Tensor): Tensor { return L.bmm(this, other); }
  /** Dot product of 1-D tensors. */
  dot(other: Tensor): Tensor { return L.dot(this, other); }
  /** Matrix × vector. */
  mv(vec: Tensor): Tensor { return L.mv(this, vec); }
  /** Outer product of 1-D tensors. */
  outer(other: Tensor): Tensor { return L.outer(this, other); }

  // ---------------------------------------------------------------- shape ops (copies)

  /** Repeats the tensor along each dim (PyTorch's repeat; copies). */
  repeat(...sizes: ShapeArgs): Tensor { return S.repeat(this, V.shapeArg(sizes)); }
  /** NumPy's tile. */
  tile(...dims: ShapeArgs): Tensor { return S.tile(this, V.shapeArg(dims)); }
  /** Rolls elements along dims (elements shifted off one end re-enter at the other). */
  roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor { return S.roll(this, shifts, dims); }
  /** Lower triangle (others zero). */
  tril(diagonal = 0): Tensor { return S.tril(this, diagonal); }
  /** Upper triangle (others zero). */
  triu(diagonal = 0): Tensor { return S.triu(this, diagonal); }
  /** Repeats each element `repeats` times along `dim`. */
  repeatInterleave(repeats: number, dim?: number): Tensor { return S.repeatInterleave(this, repeats, dim); }

  // ---------------------------------------------------------------- printing

  /** PyTorch-style text: `tensor([[1., 2.]], requires_grad=True)`. */
  toString(): string {
    return formatTensor(this);
  }
  /** Node's util.inspect uses the PyTorch-style text. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/**
 * PyTorch's keyword-only calls (`x.argmax(keepdim=True)`, `x.topk(2, largest=False)`) become an
 * options object in the dim position: `x.argmax({ keepdim: true })`, `x.topk(2, { largest: false })`.
 */
function dimOrOptions<O extends object>(dim: number | null | undefined | (O & { dim?: number }), options: O | undefined): [number | null | undefined, O] {
  if (dim !== null && typeof dim === 'object') return [(dim as { dim?: number }).dim, dim as O];
  return [dim, options ?? ({} as O)];
}

/** Type guard for tensors (also across duplicated package copies). */
export function isTensor(x: unknown): x is Tensor {
  return typeof x === 'object' && x !== null && (x as { isTensor?: unknown }).isTensor === true;
}

/** Re-exported for op files. @internal */
export { getDevice };
