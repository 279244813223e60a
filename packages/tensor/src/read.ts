/**
 * Batched asynchronous readback: `await read([loss, correct])` flushes once and reads every
 * tensor, so a GPU training loop pays for one submit/map instead of one per value.
 * @packageDocumentation
 */
import type { TypedArray } from './dtype.js';
import type { Tensor } from './tensor.js';

/** Reads several tensors at once; resolves to their contiguous data in the same order. */
export async function read(tensors: readonly Tensor[]): Promise<TypedArray[]> {
  const backends = new Set(tensors.map((t) => t.storage.backend));
  for (const b of backends) b.flush();
  return Promise.all(tensors.map((t) => t.data()));
}
