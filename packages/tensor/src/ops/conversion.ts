/**
 * dtype/device conversion, copies, in-place assignment and readback helpers.
 * @packageDocumentation
 */
import { backendOf, getDevice, Device, type DeviceLike } from '../device.js';
import { checkDType, isFloating, type DType, type TypedArray } from '../dtype.js';
import { defineOp, dispatch1 } from '../dispatch.js';
import { DTypeError, DeviceError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { defaultGenerator, type Generator } from '../random.js';
import { broadcastView, numelOf, sameShape } from '../shape.js';
import { Tensor, isTensor, type NestedArray, type Scalar, type TensorLike } from '../tensor.js';
import { scalarTensor } from './creation.js';

defineOp({
  name: 'cast',
  impl: ([x], a) => {
    const dtype = a.dtype as DType;
    const b = x!.storage.backend;
    return [Tensor.fromHandle(b.cast(x!.operand(), dtype), dtype, x!.shape, x!.device)];
  },
});

defineOp({
  name: 'contiguous',
  impl: ([x]) => [Tensor.fromHandle(x!.storage.backend.contiguous(x!.operand()), x!.dtype, x!.shape, x!.device)],
});

defineOp({
  name: 'toDevice',
  impl: ([x], a) => {
    const dev = a.device as Device;
    const src = x!.storage.backend;
    if (!src.readSync) {
      throw new DeviceError(`to('${dev}'): reading from '${x!.device}' is asynchronous; use \`await x.toAsync('${dev}')\` (or await x.data()) instead.`);
    }
    const data = src.readSync(x!.operand());
    const dst = backendOf(dev);
    return [Tensor.fromHandle(dst.upload(data, x!.dtype), x!.dtype, x!.shape, dev)];
  },
});

/** Writes src (already the right dtype, broadcastable) into dst in place. Not differentiable by itself: autograd wraps `copy_`. */
defineOp({
  name: 'copy_', inplace: true,
  impl: ([dst, src]) => {
    const d = dst!;
    let s = src!;
    if (!s.device.equals(d.device)) s = s.to(d.device);
    if (s.dtype !== d.dtype) s = s.to(d.dtype);
    const view = broadcastView(s.layout, d.layout.shape, 'copy_');
    d.storage.backend.copyInto(d.operand(), { handle: s.storage.handle, dtype: s.dtype, view });
    d.storage.version++;
    return [d];
  },
});

defineOp({
  name: 'fill_', inplace: true,
  impl: ([dst], a) => {
    const d = dst!;
    d.storage.backend.fill(d.operand(), Number(a.value));
    d.storage.version++;
    return [d];
  },
});

/** PyTorch's can_cast for in-place results: no float → integral, no non-bool → bool. */
export function canCast(from: DType, to: DType): boolean {
  if (isFloating(from) && !isFloating(to)) return false;
  if (from !== 'bool' && to === 'bool') return false;
  return true;
}

/** PyTorch dtype spellings that must not be mistaken for device names in `to('…')`. */
const DTYPE_SPELLINGS = new Set(['float', 'double', 'int', 'long', 'half', 'float16', 'int64', 'uint8', 'bfloat16', 'int8', 'int16', 'short', 'byte', 'char']);

/** dtype/device conversion. */
export function to(x: Tensor, target: DType | DeviceLike | Tensor | { dtype?: DType; device?: DeviceLike; copy?: boolean }): Tensor {
  x.assertAlive('to');
  let dtype: DType | undefined;
  let device: Device | undefined;
  let copy = false;
  if (isTensor(target)) {
    dtype = (target as Tensor).dtype;
    device = (target as Tensor).device;
  } else if (target instanceof Device) device = target;
  else if (typeof target === 'string') {
    if (['float32', 'float64', 'int32', 'bool'].includes(target)) dtype = target as DType;
    else if (/^[A-Za-z][\w-]*(:\d+)?$/.test(target) && !DTYPE_SPELLINGS.has(target)) device = getDevice(target);
    else dtype = checkDType(target, 'to');
  } else {
    const o = target as { dtype?: DType; device?: DeviceLike; copy?: boolean };
    if (o.dtype !== undefined) dtype = checkDType(o.dtype, 'to');
    if (o.device !== undefined) device = getDevice(o.device);
    copy = o.copy ?? false;
  }
  let r = x;
  if (device && !device.equals(x.device)) r = dispatch1('toDevice', [r], { device });
  if (dtype && dtype !== r.dtype) r = dispatch1('cast', [r], { dtype });
  if (copy && r === x) r = clone(x);
  return r;
}

/** A copy with its own storage. */
export function clone(x: Tensor): Tensor {
  return dispatch1('contiguous', [x]);
}

/** x itself when contiguous, else a contiguous copy. */
export function contiguous(x: Tensor): Tensor {
  x.assertAlive('contiguous');
  return x.isContiguous() ? x : dispatch1('contiguous', [x]);
}

/**
 * PyTorch refuses to write a computed result into a tensor whose elements share memory (an
 * expanded view: some dim of size > 1 has stride 0), because the result would depend on the
 * write order. Arbitrary overlapping asStrided views are not detected, as in PyTorch.
 */
function checkNoInternalOverlap(x: Tensor, op: string): void {
  if (x.layout.shape.some((s, i) => s > 1 && x.layout.strides[i] === 0)) {
    throw new ValueError(
      `${op}: unsupported operation: more than one element of the written-to tensor (shape ${fmtShape(x.shape)}, strides ${fmtShape(x.strides)}) ` +
        'refers to a single memory location (it is an expanded view). Please clone() the tensor before performing the operation.',
    );
  }
}

/** Copies a tensor or scalar into x in place (broadcast, cast, cross-device). */
export function copy_(x: Tensor, src: TensorLike): Tensor {
  checkNoInternalOverlap(x, 'copy_');
  let s = isTensor(src) ? (src as Tensor) : scalarTensor(src as Scalar, x.dtype, x.device);
  // copy_ is PyTorch's cross-device copy: move the source first (a differentiable 'toDevice')
  if (s.ndim > 0 && !s.device.equals(x.device)) s = s.to(x.device);
  broadcastView(s.layout, x.shape, 'copy_');
  return dispatch1('copy_', [x, s]);
}

/** Writes the out-of-place result `value` of an in-place op into `x`, with PyTorch's checks. @internal */
export function assign_<T extends Tensor>(x: T, value: Tensor, op: string): T {
  // masked_fill_ on an expanded tensor is only deprecated in PyTorch, not an error
  if (op !== 'maskedFill_') checkNoInternalOverlap(x, op);
  if (!sameShape(value.shape, x.shape)) {
    throw new ShapeError(`${op}: output with shape ${fmtShape(x.shape)} doesn't match the broadcast shape ${fmtShape(value.shape)}; an in-place op cannot grow its input`);
  }
  if (!canCast(value.dtype, x.dtype)) {
    throw new DTypeError(`${op}: result type ${value.dtype} can't be cast to the desired output type ${x.dtype}; use the out-of-place form or convert first (e.g. x = x.float())`);
  }
  dispatch1('copy_', [x, value]);
  return x;
}

/** Fills x with a scalar (or 0-d tensor) in place. */
export function fill_<T extends Tensor>(x: T, value: TensorLike): T {
  if (isTensor(value)) {
    const v = value as Tensor;
    if (v.ndim !== 0) throw new ShapeError(`fill_ only supports 0-dimension value tensor but got tensor with ${v.ndim} dimensions`);
    dispatch1('copy_', [x, v]);
    return x;
  }
  dispatch1('fill_', [x], { value: Number(value) });
  return x;
}

/** Fills with random samples in place (uniform(from, to) or normal(mean, std)). */
export function randomFill_<T extends Tensor>(x: T, kind: 'uniform' | 'normal', a: number, b: number, gen?: Generator): T {
  if (!isFloating(x.dtype)) throw new DTypeError(`${kind}_: not implemented for '${x.dtype}'; use a floating tensor`);
  const g = gen ?? defaultGenerator;
  const n = x.numel();
  const v = kind === 'uniform' ? g.uniform(n).map((u) => a + (b - a) * u) : g.normal(n).map((z) => a + b * z);
  const host = x.dtype === 'float32' ? Float32Array.from(v) : v;
  const t = Tensor.fromHandle(backendOf(x.device).upload(host, x.dtype), x.dtype, x.shape, x.device);
  dispatch1('copy_', [x, t]);
  t.dispose();
  return x;
}

/** A one-element tensor's value as a JS number or boolean. @internal */
export function itemOf(x: Tensor, data: TypedArray): number | boolean {
  if (numelOf(x.shape) !== 1) {
    throw new ValueError(`item(): a Tensor with ${numelOf(x.shape)} elements cannot be converted to Scalar (shape ${fmtShape(x.shape)}); index one element first or use tolist()`);
  }
  return x.dtype === 'bool' ? data[0] !== 0 : data[0]!;
}

/** Nested arrays from contiguous data. @internal */
export function toNested(data: TypedArray, shape: readonly number[], dtype: DType): NestedArray {
  const conv = (v: number): number | boolean => (dtype === 'bool' ? v !== 0 : v);
  if (shape.length === 0) return conv(data[0]!);
  const rec = (d: number, off: number): NestedArray => {
    const n = shape[d]!;
    const inner = numelOf(shape.slice(d + 1));
    const out: NestedArray[] = [];
    for (let i = 0; i < n; i++) out.push(d === shape.length - 1 ? conv(data[off + i]!) : rec(d + 1, off + i * inner));
    return out;
  };
  return rec(0, 0);
}
