/**
 * Graph helpers shared by the dispatch layer, Function and the engine.
 * @packageDocumentation
 */
import type { Tensor } from '@kiln/tensor';
import { metaOf } from './meta.js';
import { AccumulateGrad, type Edge } from './node.js';

/**
 * The edge gradients of `t` flow into (PyTorch's gradient_edge): its creator node for a
 * non-leaf, its AccumulateGrad sink for a leaf that requires grad, else `[null, 0]`.
 */
export function gradientEdge(t: Tensor): Edge {
  const m = metaOf(t);
  if (!m || !m.requiresGrad) return [null, 0];
  if (m.gradFn) return [m.gradFn, m.outputNr ?? 0];
  m.gradAccumulator ??= new AccumulateGrad(t);
  return [m.gradAccumulator, 0];
}
