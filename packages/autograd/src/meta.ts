/**
 * The autograd slot of a tensor (`tensor.autograd`). Tensor treats it as opaque; this package
 * owns its fields. A non-leaf's history is `gradFn` + `outputNr` (PyTorch's Edge to its creator).
 * @packageDocumentation
 */
import type { Tensor } from '@kiln/tensor';
import type { Node } from './node.js';

/** A tensor hook: gets the gradient and may return a replacement. */
export type TensorHook = (grad: Tensor) => Tensor | void;

/** Per-tensor autograd state. */
export interface AutogradMeta {
  requiresGrad: boolean;
  grad: Tensor | null;
  /** The node that produced this tensor (null for leaves). */
  gradFn?: Node | null;
  /** Which output of `gradFn` this tensor is. */
  outputNr?: number;
  /** `retainGrad()` was called on this non-leaf. */
  retainsGrad?: boolean;
  /** Hooks of a leaf (non-leaf hooks live on their node, keyed by output). */
  hooks?: TensorHook[];
  /** The AccumulateGrad node of a leaf, created once and reused so edges agree. */
  gradAccumulator?: Node | null;
  /** For outputs of view ops: the tensor whose storage geometry the view was taken from. */
  viewBase?: Tensor | null;
  /** For views: the storage version when the view's history was last set (see view-history.ts). */
  historyVersion?: number;
  /** Created inside `inferenceMode` (PyTorch's inference tensors: never saved for backward, no in-place outside the mode). */
  inference?: boolean;
}

let refreshView: ((t: Tensor, m: AutogradMeta) => void) | null = null;

/** Installed by view-history.ts (kept out of this file to avoid an import cycle). @internal */
export function setViewRefresher(fn: (t: Tensor, m: AutogradMeta) => void): void {
  refreshView = fn;
}

/**
 * The slot of `t`, or null. For a view whose storage was written in place since its history was
 * recorded, the history is first regenerated from its base (PyTorch does the same lazily).
 */
export function metaOf(t: Tensor): AutogradMeta | null {
  const m = t.autograd as AutogradMeta | null;
  if (m?.viewBase && m.historyVersion !== undefined && m.historyVersion !== t.storage.version) refreshView?.(t, m);
  return m;
}

/** The slot of `t`, created (not requiring grad) when missing. */
export function ensureMeta(t: Tensor): AutogradMeta {
  let m = metaOf(t);
  if (!m) {
    m = { requiresGrad: false, grad: null };
    t.autograd = m;
  }
  return m;
}

/** True when operations on `t` are recorded. */
export function requiresGrad(t: Tensor): boolean {
  return metaOf(t)?.requiresGrad === true;
}

/** The node that created `t`, or null. */
export function gradFnOf(t: Tensor): Node | null {
  return metaOf(t)?.gradFn ?? null;
}
