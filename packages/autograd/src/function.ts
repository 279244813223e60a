/**
 * Custom differentiable functions (torch.autograd.Function):
 *
 * ```ts
 * class Exp extends Function {
 *   static override forward(ctx: FunctionCtx, x: Tensor) { const y = x.exp(); ctx.saveForBackward(y); return y; }
 *   static override backward(ctx: FunctionCtx, g: Tensor) { const [y] = ctx.savedTensors; return g.mul(y!); }
 * }
 * const y = Exp.apply(x);
 * ```
 * `forward` runs with grad disabled; `backward` returns one gradient (or null) per forward argument.
 * @packageDocumentation
 */
import { AutogradError, isGradEnabled, isTensor, noGrad, type Tensor } from '@kiln/tensor';
import { gradientEdge } from './graph.js';
import { ensureMeta, metaOf, requiresGrad } from './meta.js';
import { Node, type Edge } from './node.js';
import { infoOf } from './op-node.js';
import { SavedTensor } from './saved-tensor.js';
import { sumToShape } from './gradients/util.js';

/** The `ctx` of a custom Function (PyTorch's FunctionCtx); extra fields may be stored on it. */
export class FunctionCtx {
  [key: string]: unknown;
  /** Per forward argument: does it need a gradient? */
  needsInputGrad: boolean[] = [];
  /** @internal */ _toSave: Tensor[] = [];
  /** @internal */ _saved: SavedTensor[] | null = null;
  /** @internal */ _dirty = new Set<Tensor>();
  /** @internal */ _nonDifferentiable = new Set<Tensor>();

  /** Saves tensors for `backward` (checked against in-place modification, freed after backward). */
  saveForBackward(...tensors: (Tensor | null | undefined)[]): void {
    this._toSave = tensors.filter((t): t is Tensor => !!t);
  }

  /** The tensors given to `saveForBackward` (throws once the graph was freed). */
  get savedTensors(): Tensor[] {
    if (!this._saved) return [...this._toSave];
    return this._saved.map((s) => s.unpack());
  }

  /** Declares inputs that `forward` modified in place (they are returned as outputs). */
  markDirty(...tensors: Tensor[]): void {
    for (const t of tensors) this._dirty.add(t);
  }

  /** Declares outputs that are not differentiable (e.g. indices). */
  markNonDifferentiable(...tensors: Tensor[]): void {
    for (const t of tensors) this._nonDifferentiable.add(t);
  }
}

/** Base class of custom differentiable functions; subclasses define static `forward`/`backward`. */
export class Function {
  /** Computes the outputs. Override in a subclass. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  static forward(_ctx: FunctionCtx, ..._args: any[]): Tensor | Tensor[] {
    throw new AutogradError(`You must implement the forward function for custom autograd.Function.`);
  }

  /** Gradient of each forward argument from the outputs' gradients. Override in a subclass. */
  static backward(_ctx: FunctionCtx, ..._grads: Tensor[]): Tensor | null | (Tensor | null)[] {
    throw new AutogradError(`You must implement either the backward or vjp method for your custom autograd.Function to use it with backward mode AD.`);
  }

  /** Runs the function and records it in the graph. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  static apply<T extends { forward(ctx: FunctionCtx, ...args: any[]): Tensor | Tensor[] }>(
    this: T,
    ...args: T['forward'] extends (ctx: FunctionCtx, ...a: infer A) => unknown ? A : never
  ): ReturnType<T['forward']> {
    const cls = this as unknown as typeof Function;
    const ctx = new FunctionCtx();
    ctx.needsInputGrad = args.map((a) => isTensor(a) && (a as Tensor).isFloatingPoint() && requiresGrad(a as Tensor));
    const record = isGradEnabled() && ctx.needsInputGrad.some(Boolean);
    const edges: Edge[] = args.filter(isTensor).map((t) => (requiresGrad(t as Tensor) ? gradientEdge(t as Tensor) : [null, 0]));
    const raw = noGrad(() => cls.forward(ctx, ...args));
    if (!record) {
      ctx._saved = ctx._toSave.map((t) => new SavedTensor(t));
      return raw as ReturnType<T['forward']>;
    }
    const outs = (Array.isArray(raw) ? raw : [raw]).map((o) => {
      if (ctx._dirty.has(o)) {
        if (requiresGrad(o) && !metaOf(o)?.gradFn) throw new AutogradError('a leaf Variable that requires grad is being used in an in-place operation.');
        return o;
      }
      // an input returned unchanged becomes a new tensor (a view), so the input's history stays intact
      return args.includes(o) ? o.withView(o.layout) : o;
    });
    const inputShapes = args.filter(isTensor).map((t) => (t as Tensor).shape);
    const node = new FunctionNode(cls, ctx, edges, outs, args.map(isTensor), inputShapes);
    const rawOuts = Array.isArray(raw) ? raw : [raw];
    outs.forEach((o, i) => {
      if (ctx._nonDifferentiable.has(rawOuts[i]!) || !o.isFloatingPoint()) return;
      const m = ensureMeta(o);
      m.requiresGrad = true;
      m.gradFn = node;
      m.outputNr = i;
    });
    ctx._saved = ctx._toSave.map((t) => {
      const i = outs.indexOf(t);
      return i >= 0 ? new SavedTensor(t, node.name(), i) : new SavedTensor(t);
    });
    node.adoptSaved(ctx._saved);
    return (Array.isArray(raw) ? outs : outs[0]) as ReturnType<T['forward']>;
  }
}

/** The node of a custom Function: calls the user's static `backward`. */
class FunctionNode extends Node {
  readonly isUserFunction = true;
  constructor(
    private readonly cls: typeof Function,
    private readonly ctx: FunctionCtx,
    edges: Edge[],
    outs: Tensor[],
    private readonly isTensorArg: boolean[],
    private readonly inputShapes: number[][],
  ) {
    super(edges, outs.map(infoOf));
  }

  adoptSaved(saved: SavedTensor[]): void {
    for (const s of saved) this.addSaved(s);
  }

  override name(): string {
    return `${this.cls.name}Backward`;
  }

  override apply(grads: (Tensor | null)[]): (Tensor | null)[] {
    const r = this.cls.backward(this.ctx, ...(grads as Tensor[]));
    const list = Array.isArray(r) ? r : [r];
    const n = this.isTensorArg.length;
    if (list.length !== n && !(list.length > n && list.slice(n).every((g) => g === null || g === undefined))) {
      throw new AutogradError(`function ${this.name()} returned an incorrect number of gradients (expected ${n}, got ${list.length})`);
    }
    const out: (Tensor | null)[] = [];
    let t = 0;
    this.isTensorArg.forEach((isT, i) => {
      if (!isT) return;
      const g = list[i] ?? null;
      const shape = this.inputShapes[t++]!;
      out.push(g ? checkShape(this.name(), i, g, shape) : null);
    });
    return out;
  }
}

function checkShape(name: string, i: number, g: Tensor, shape: readonly number[]): Tensor {
  if (g.ndim === shape.length && g.shape.every((s, k) => s === shape[k])) return g;
  try {
    return sumToShape(g, shape);
  } catch {
    throw new AutogradError(`Function ${name} returned an invalid gradient at index ${i} - got [${g.shape.join(', ')}] but expected shape compatible with [${shape.join(', ')}]`);
  }
}
