/**
 * The Sampler protocol: an iterable of dataset indices with a length.
 * @packageDocumentation
 */

/** torch.utils.data.Sampler: yields dataset indices; `length` is PyTorch's `__len__`. */
export abstract class Sampler<I = number> implements Iterable<I> {
  abstract [Symbol.iterator](): Iterator<I>;
  abstract get length(): number;
}
