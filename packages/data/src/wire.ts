/**
 * How batches cross the worker boundary: tensors become `{dtype, shape, data}` records whose
 * buffers go in the postMessage transfer list (moved, not copied), and are rebuilt as tensors on
 * the other side without a copy (`fromTypedArray`). Everything else is structured-cloned.
 * @packageDocumentation
 */
import type { Tensor, TypedArray } from '@kiln/tensor';
import { T, isTensorLike } from './tensor-peer.js';

const TAG = '__kilnTensor';

interface WireTensor {
  [TAG]: true;
  shape: number[];
  data: TypedArray;
}

/** Replaces tensors in `value` by wire records, pushing their (fresh) buffers onto `transfer`. */
export function encode(value: unknown, transfer: ArrayBuffer[]): unknown {
  if (isTensorLike(value)) {
    // dataSync returns a fresh contiguous copy on the CPU, so moving its buffer is safe.
    const data = (value as Tensor).dataSync();
    transfer.push(data.buffer as ArrayBuffer);
    return { [TAG]: true, shape: (value as Tensor).shape, data } satisfies WireTensor;
  }
  if (Array.isArray(value)) return value.map((v) => encode(v, transfer));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = encode(v, transfer);
    return out;
  }
  return value;
}

/** Inverse of `encode`: wire records become tensors sharing the received buffers. */
export function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    if ((value as WireTensor)[TAG] === true && T) {
      const w = value as WireTensor;
      // fromTypedArray infers bool from Uint8Array, which is exactly how bool tensors are stored.
      return T.fromTypedArray(w.data, w.shape);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = decode(v);
    return out;
  }
  return value;
}
