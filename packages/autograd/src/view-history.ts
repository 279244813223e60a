/**
 * Stale views. A view shares storage with its base, so an in-place write to the base (or through
 * another view) changes the view's values; its recorded history must change too. As PyTorch does,
 * a view remembers the storage version its history belongs to, and when the version moved on its
 * history is regenerated as "a view of the base's current history" (`AsStridedBackward0`:
 * the gradient scatters into the base at the elements the view reads).
 * @packageDocumentation
 */
import type { Tensor } from '@kiln/tensor';
import { ClosureNode } from './closure-node.js';
import { geometryOf, scatterToBase, viewIndex } from './gradients/util.js';
import { gradientEdge } from './graph.js';
import { requiresGrad, setViewRefresher, type AutogradMeta } from './meta.js';

function refresh(view: Tensor, m: AutogradMeta): void {
  m.historyVersion = view.storage.version; // first: the work below reads metas again
  const base = m.viewBase!;
  if (!requiresGrad(base)) return;
  const baseEdge = gradientEdge(base);
  const idx = viewIndex(geometryOf(base), geometryOf(view));
  m.gradFn = new ClosureNode('AsStridedBackward0', [baseEdge], view, (g) => [scatterToBase(g, idx, base.shape)]);
  m.outputNr = 0;
  m.requiresGrad = true;
}

setViewRefresher(refresh);
