/**
 * The two kinds of dataset, as in torch.utils.data: map-style (`getItem(i)` + `length`, PyTorch's
 * `__getitem__`/`__len__`) and iterable-style (a sync or async iterable of samples).
 * @packageDocumentation
 */

/**
 * A map-style dataset: subclass it and implement `getItem(i)` and `length` (PyTorch's
 * `__getitem__` and `__len__`; JavaScript has no operator overloading for `ds[i]`).
 */
export abstract class Dataset<T = unknown> {
  /** The sample at `index` (0 ≤ index < length). */
  abstract getItem(index: number): T;
  /** The number of samples. */
  abstract get length(): number;
}

/**
 * An iterable-style dataset (torch.utils.data.IterableDataset): implement `[Symbol.iterator]`
 * or `[Symbol.asyncIterator]`. Async ones can only be read with `for await … of`.
 */
export abstract class IterableDataset<T = unknown> {
  /** Marks iterable-style datasets (JS cannot check an abstract base structurally). */
  readonly isIterableDataset = true;
}

/** Anything map-style: a Dataset subclass or any object with `getItem` and `length`. */
export interface MapDataset<T = unknown> {
  getItem(index: number): T;
  readonly length: number;
}

/** Anything iterable-style. */
export type AnyIterableDataset<T = unknown> = Iterable<T> | AsyncIterable<T>;

/** True for objects with `getItem(i)` and a numeric `length` (map-style datasets). */
export function isMapDataset(ds: unknown): ds is MapDataset {
  return typeof ds === 'object' && ds !== null && typeof (ds as MapDataset).getItem === 'function' && typeof (ds as MapDataset).length === 'number';
}

/** True for sync or async iterables (iterable-style datasets). */
export function isIterableDataset(ds: unknown): ds is AnyIterableDataset {
  return typeof ds === 'object' && ds !== null && (Symbol.iterator in ds || Symbol.asyncIterator in ds);
}
