/**
 * NumPy/PyTorch-style indexing (`x[...]` has no JS operator, so `x.index(...)` and
 * `x.indexPut_(...)`). Placeholder: being implemented (basic + advanced indexing).
 * @packageDocumentation
 */
import { KilnError } from './errors.js';
import type { Tensor, TensorLike } from './tensor.js';

/** A Python-style slice `start:stop:step`. */
export interface Slice {
  readonly kind: 'slice';
  readonly start: number | null;
  readonly stop: number | null;
  readonly step: number;
}

/** One index item: integer, slice, '...', null (new axis), boolean, bool/int tensor, or int array. */
export type Index = number | Slice | '...' | null | boolean | Tensor | readonly number[];

/** Builds a slice: `slice(1, null, 2)` is Python's `1::2`. */
export function slice(start: number | null = null, stop: number | null = null, step = 1): Slice {
  return { kind: 'slice', start, stop, step };
}

/** x[indices]. */
export function getIndex(x: Tensor, indices: readonly Index[]): Tensor {
  void x; void indices;
  throw new KilnError('index: not implemented yet');
}

/** x[indices] = value (or += with accumulate). */
export function setIndex(x: Tensor, indices: readonly Index[], value: TensorLike, accumulate: boolean): void {
  void x; void indices; void value; void accumulate;
  throw new KilnError('indexPut_: not implemented yet');
}
