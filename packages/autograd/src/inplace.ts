/**
 * In-place ops under autograd (`copy_`, `fill_`; every `x.add_(y)` is `copy_(x, add(x, y))`).
 * PyTorch's rules: an in-place op on a leaf that requires grad (or a view of one) is an error;
 * otherwise the written tensor's history is rebased onto a new node. When the source of a
 * `copy_` has the same shape and dtype, the destination simply adopts the source's node, so
 * `a.mul_(2)` shows `MulBackward0` as in PyTorch; otherwise a `CopyBackwards` node is recorded.
 *
 * Writing through a view rebases the view's base with a `CopySlices` node (as PyTorch does);
 * other views of the base pick up the new history lazily (view-history.ts).
 * @packageDocumentation
 */
import { AutogradError, type OpCall, type Tensor } from '@kiln/tensor';
import { toInput, geometryOf, scatterToBase, viewIndex } from './gradients/util.js';
import { gradientEdge } from './graph.js';
import { belowAutograd, viewBaseOf } from './layer.js';
import { ensureMeta, gradFnOf, metaOf, requiresGrad } from './meta.js';
import { ClosureNode } from './closure-node.js';
import { infoOf } from './op-node.js';
import type { Node, Edge } from './node.js';

const LEAF_MESSAGE = 'a leaf Variable that requires grad is being used in an in-place operation.';
const VIEW_OF_LEAF_MESSAGE = 'a view of a leaf Variable that requires grad is being used in an in-place operation.';

const isLeafRequiringGrad = (t: Tensor) => requiresGrad(t) && !gradFnOf(t);

/** Handles `copy_(dst, src)` / `fill_(dst)` when grad mode is on. */
export function recordInplace(call: OpCall, next: (c: OpCall) => Tensor[]): Tensor[] {
  const dst = call.inputs[0]!;
  const src = call.op === 'copy_' ? call.inputs[1] : undefined;
  const base = metaOf(dst)?.viewBase ?? null;
  if (isLeafRequiringGrad(dst)) throw new AutogradError(LEAF_MESSAGE);
  if (base && isLeafRequiringGrad(base)) throw new AutogradError(VIEW_OF_LEAF_MESSAGE);
  const srcNeeds = !!src && src.isFloatingPoint() && dst.isFloatingPoint() && requiresGrad(src);
  const target = base ?? dst;
  if (!srcNeeds && !requiresGrad(target)) return next(call);
  const srcEdge: Edge = srcNeeds ? gradientEdge(src!) : [null, 0];
  const srcInfo = src ? infoOf(src) : null;
  const srcGrad = (g: Tensor) => (srcNeeds ? toInput(g, srcInfo!) : null);
  // `x.mul_(b)` is copy_(x, mul(x, b)): the mul node saved the old x, which the copy overwrites
  if (src) gradFnOf(src)?.snapshotSaved(dst.storage);

  if (base) {
    const idx = viewIndex(geometryOf(base), geometryOf(dst));
    const baseEdge = gradientEdge(base);
    const out = belowAutograd(call, next);
    const copySlices = new ClosureNode('CopySlices', [baseEdge, srcEdge], base, (g) => {
      const flatIdx = idx.reshape([-1]);
      const others = requiresGrad(base) ? g.reshape([-1]).scatter(0, flatIdx, 0).reshape(g.shape) : null;
      return [baseEdge[0] ? others : null, srcGrad(g.reshape([-1]).gather(0, flatIdx).reshape(idx.shape))];
    });
    rebase(base, copySlices);
    // the view is now a view of the new base: its gradient scatters into the base's
    const viewNode = new ClosureNode('AsStridedBackward0', [[copySlices, 0]], dst, (g) => [scatterToBase(g, idx, base.shape)]);
    const m = rebase(dst, viewNode);
    m.viewBase = viewBaseOf(base);
    m.historyVersion = dst.storage.version;
    return out;
  }

  const oldEdge = gradientEdge(dst);
  const out = belowAutograd(call, next);
  const sm = src ? metaOf(src) : null;
  if (srcNeeds && sm?.gradFn && sameShape(src!, dst) && src!.dtype === dst.dtype && src!.device.equals(dst.device)) {
    const m = ensureMeta(dst);
    m.requiresGrad = true;
    m.gradFn = sm.gradFn;
    m.outputNr = sm.outputNr ?? 0;
    return out;
  }
  const node =
    call.op === 'copy_'
      ? new ClosureNode('CopyBackwards', [oldEdge, srcEdge], dst, (g) => [null, srcGrad(g)])
      : new ClosureNode('FillBackward2', [oldEdge], dst, () => [null]);
  rebase(dst, node);
  return out;
}

function rebase(t: Tensor, node: Node) {
  const m = ensureMeta(t);
  m.requiresGrad = true;
  m.gradFn = node;
  m.outputNr = 0;
  return m;
}

function sameShape(a: Tensor, b: Tensor): boolean {
  return a.ndim === b.ndim && a.shape.every((s, i) => s === b.shape[i]);
}

