/**
 * Distances and normalisation: pairwiseDistance, cosineSimilarity, normalize.
 * @packageDocumentation
 */
import { type Tensor } from '@kiln/tensor';
import { checkFloat } from './util.js';

/** ‖x1 - x2 + eps‖_p over the last dim (p 2, eps 1e-6, as in PyTorch). */
export function pairwiseDistance(x1: Tensor, x2: Tensor, options: { p?: number; eps?: number; keepdim?: boolean } = {}): Tensor {
  checkFloat('pairwiseDistance', x1, 'x1');
  const d = Math.max(x1.ndim, x2.ndim) - 1;
  const diff = x1.sub(x2).add(options.eps ?? 1e-6);
  const dim = d < 0 ? null : -1;
  return dim === null ? diff.norm(options.p ?? 2) : diff.norm(options.p ?? 2, -1, { keepdim: options.keepdim ?? false });
}

/** x1·x2 / max(‖x1‖ ‖x2‖, eps) along `dim` (default 1, eps 1e-8), broadcasting x1 and x2. */
export function cosineSimilarity(x1: Tensor, x2: Tensor, options: { dim?: number; eps?: number } = {}): Tensor {
  checkFloat('cosineSimilarity', x1, 'x1');
  const dim = options.dim ?? 1;
  const eps = options.eps ?? 1e-8;
  // PyTorch ≥ 1.12: each norm is clamped separately, x/‖x‖ is formed first (no overflow of the product)
  const n1 = x1.norm(2, dim, { keepdim: true }).clamp({ min: eps });
  const n2 = x2.norm(2, dim, { keepdim: true }).clamp({ min: eps });
  return x1.div(n1).mul(x2.div(n2)).sum(dim);
}

/** x / max(‖x‖_p, eps) along `dim` (p 2, dim 1, eps 1e-12). */
export function normalize(input: Tensor, options: { p?: number; dim?: number; eps?: number } = {}): Tensor {
  checkFloat('normalize', input);
  const denom = input.norm(options.p ?? 2, options.dim ?? 1, { keepdim: true }).clamp({ min: options.eps ?? 1e-12 });
  return input.div(denom.expandAs(input));
}
