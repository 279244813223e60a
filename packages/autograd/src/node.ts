/**
 * PyTorch's graph: a {@link Node} per recorded op (`gradFn`), {@link Edge}s to the nodes that
 * produced its inputs, and {@link AccumulateGrad} sinks that add into a leaf's `.grad`.
 * @packageDocumentation
 */
import { keep, noGrad, type Tensor } from '@kiln/tensor';
import { ensureMeta, type TensorHook } from './meta.js';
import type { SavedTensor } from './saved-tensor.js';

/** An edge: the node that receives a gradient and which of its outputs the gradient belongs to. */
export type Edge = readonly [node: Node | null, inputNr: number];

/** Shape/dtype/device of one output, to materialise zero gradients. */
export interface OutputInfo {
  shape: number[];
  dtype: Tensor['dtype'];
  device: Tensor['device'];
}

let nextSequenceNr = 0;

/** A backward function in the graph (PyTorch's `torch.autograd.graph.Node`). */
export abstract class Node {
  /** Creation order; the engine runs later nodes first (PyTorch's sequence_nr). */
  readonly sequenceNr: number = nextSequenceNr++;
  /** Hooks of the tensors this node produced, per output (tensor `registerHook` on non-leaves). */
  readonly tensorPreHooks: TensorHook[][] = [];
  /** Metas of outputs that called `retainGrad()`, per output. */
  readonly retainedGrads: (import('./meta.js').AutogradMeta | null)[] = [];
  /** Node pre-hooks (PyTorch's `Node.register_prehook`): see the gradients of the outputs before the node runs. */
  readonly preHooks: ((gradOutputs: (Tensor | null)[]) => (Tensor | null)[] | void)[] = [];
  /** Node hooks (PyTorch's `Node.register_hook`): see input and output gradients after the node ran. */
  readonly postHooks: ((gradInputs: (Tensor | null)[], gradOutputs: (Tensor | null)[]) => (Tensor | null)[] | void)[] = [];
  /** Saved tensors; released after backward unless retainGraph. */
  protected saved: SavedTensor[] = [];
  /** The forward op (for anomaly messages) and its call stack when anomaly detection is on. */
  forwardOp = '';
  forwardStack: string | undefined;

  constructor(
    /** Edges to the producers of this node's inputs (null where no grad is needed). */
    readonly nextEdges: Edge[],
    /** Outputs' metadata (for zero gradients of outputs that received none). */
    readonly outputs: OutputInfo[],
  ) {}

  /** PyTorch's node name, e.g. `MulBackward0`. */
  abstract name(): string;

  /** Computes input gradients from output gradients (one per output; null = zero). */
  abstract apply(gradOutputs: (Tensor | null)[]): (Tensor | null)[];

  /** `[[node, index], …]` exactly as `grad_fn.next_functions` in PyTorch (`[null, 0]` for inputs without grad). */
  get nextFunctions(): [Node | null, number][] {
    return this.nextEdges.map(([n, i]) => [n, n ? i : 0]);
  }

  /** PyTorch's `grad_fn.register_prehook(fn)`: `fn(gradOutputs)` may return replacements. */
  registerPrehook(fn: (gradOutputs: (Tensor | null)[]) => (Tensor | null)[] | void): { remove(): void } {
    return addRemovable(this.preHooks, fn);
  }

  /** PyTorch's `grad_fn.register_hook(fn)`: `fn(gradInputs, gradOutputs)` may return replacement input gradients. */
  registerHook(fn: (gradInputs: (Tensor | null)[], gradOutputs: (Tensor | null)[]) => (Tensor | null)[] | void): { remove(): void } {
    return addRemovable(this.postHooks, fn);
  }

  /** Registers saved tensors (released together). */
  protected addSaved(s: SavedTensor): SavedTensor {
    this.saved.push(s);
    return s;
  }

  /** Snapshots saved tensors that alias `storage` before an in-place write (see SavedTensor.snapshotIfAliases). */
  snapshotSaved(storage: Tensor['storage']): void {
    for (const s of this.saved) s.snapshotIfAliases(storage);
  }

  /** Frees saved tensors (called by the engine after backward unless retainGraph). */
  release(): void {
    for (const s of this.saved) s.release();
  }

  /** `<MulBackward0>` in logs. */
  toString(): string {
    return `<${this.name()} object>`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

function addRemovable<T>(list: T[], fn: T): { remove(): void } {
  list.push(fn);
  return {
    remove: () => {
      const i = list.indexOf(fn);
      if (i >= 0) list.splice(i, 1);
    },
  };
}

/** The sink of a leaf that requires grad: adds incoming gradients into `variable.grad`. */
export class AccumulateGrad extends Node {
  /** AccumulateGrad runs as soon as it is ready (PyTorch gives it the highest priority). */
  override readonly sequenceNr = Number.POSITIVE_INFINITY;

  constructor(readonly variable: Tensor) {
    super([], [{ shape: variable.shape, dtype: variable.dtype, device: variable.device }]);
  }

  override name(): string {
    return 'AccumulateGrad';
  }

  /**
   * PyTorch's accumulation: the first gradient is stored (a fresh copy, so later in-place
   * accumulation never writes into a tensor shared with the graph); later ones are added in
   * place, or out of place with createGraph so the sum stays differentiable. `.grad` outlives
   * the caller's tidy() scopes (`keep`), as a PyTorch `.grad` outlives the step that made it.
   */
  override apply([g]: (Tensor | null)[], createGraph = false): (Tensor | null)[] {
    if (!g) return [];
    const meta = ensureMeta(this.variable);
    const old = meta.grad;
    if (createGraph) meta.grad = keep(old ? old.add(g) : g);
    else noGrad(() => {
      if (old) old.add_(g);
      else meta.grad = keep(g.detach().clone());
    });
    return [];
  }
}
