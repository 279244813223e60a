/**
 * defaultCollate: torch.utils.data.default_collate for JavaScript samples.
 * @packageDocumentation
 */
import type { Tensor } from '@kiln/tensor';
import { DataValueError } from './errors.js';
import { isTensorLike, requireTensor } from './tensor-peer.js';

/**
 * The type `defaultCollate` produces from a sample type: tensors, numbers, booleans and typed
 * arrays become a Tensor, strings a string array, and arrays/objects are mapped field by field.
 * (`any` stays `any`.)
 */
export type Collated<S> = 0 extends 1 & S
  ? any
  : S extends Tensor | number | boolean | ArrayBufferView
    ? Tensor
    : S extends string
      ? string[]
      : S extends readonly unknown[] | object
        ? { [K in keyof S]: Collated<S[K]> }
        : unknown;

const ERR = 'default_collate: batch must contain tensors, typed arrays, numbers, booleans, strings, objects or arrays; found';

/**
 * Merges a list of samples into a batch, following PyTorch's `default_collate`:
 * - Tensors are stacked along a new dim 0 (`stack(batch)`).
 * - Typed arrays (numpy arrays' analogue) become tensors of their dtype, then are stacked;
 *   `Uint8Array` becomes int32 (Kiln has no uint8 dtype and its bool arrays are Uint8Array too).
 * - Numbers become a 1-D tensor. JavaScript cannot tell `1.0` from `1`, so the rule is: if every
 *   number is an integer the tensor is int32 (PyTorch's int64 for Python ints), otherwise float64
 *   (PyTorch's dtype for Python floats). Return a tensor from `getItem` to pick the dtype yourself.
 * - Booleans become a bool tensor; strings stay a list of strings.
 * - Plain objects collate key by key; arrays (Python sequences) are transposed and collated
 *   position by position, and must all have the same length.
 */
export function defaultCollate(batch: readonly unknown[]): unknown {
  if (batch.length === 0) throw new DataValueError('default_collate: got an empty batch');
  const elem = batch[0];
  if (isTensorLike(elem)) {
    const T = requireTensor('default_collate');
    batch.forEach((b, i) => {
      if (!isTensorLike(b)) throw new DataValueError(`default_collate: element ${i} of the batch is ${describe(b)} but element 0 is a Tensor`);
    });
    return T.stack(batch as Tensor[], 0);
  }
  if (ArrayBuffer.isView(elem) && !(elem instanceof DataView)) {
    const T = requireTensor('default_collate');
    return T.stack(batch.map((a) => toTensor(a, T)), 0);
  }
  if (typeof elem === 'number') {
    const T = requireTensor('default_collate');
    const nums = batch as number[];
    const allInt = nums.every((v) => Number.isInteger(v));
    return T.tensor(nums, { dtype: allInt ? 'int32' : 'float64' });
  }
  if (typeof elem === 'boolean') return requireTensor('default_collate').tensor(batch as boolean[], { dtype: 'bool' });
  if (typeof elem === 'string') return [...batch];
  if (Array.isArray(elem)) {
    const len = elem.length;
    if (!batch.every((b) => Array.isArray(b) && b.length === len)) throw new DataValueError('default_collate: each element in list of batch should be of equal size');
    return elem.map((_, j) => defaultCollate(batch.map((b) => (b as unknown[])[j])));
  }
  if (elem !== null && typeof elem === 'object' && Object.getPrototypeOf(elem) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(elem)) out[key] = defaultCollate(batch.map((b) => (b as Record<string, unknown>)[key]));
    return out;
  }
  throw new DataValueError(`${ERR} ${describe(elem)}`);
}

function toTensor(a: unknown, T: typeof import('@kiln/tensor')): Tensor {
  if (a instanceof Float32Array || a instanceof Float64Array || a instanceof Int32Array) return T.tensor(a);
  if (a instanceof Uint8Array || a instanceof Uint8ClampedArray || a instanceof Int8Array || a instanceof Int16Array || a instanceof Uint16Array) {
    return T.fromTypedArray(Int32Array.from(a));
  }
  throw new DataValueError(`${ERR} ${describe(a)}`);
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return typeof x;
}
