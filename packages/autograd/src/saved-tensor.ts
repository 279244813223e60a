/**
 * PyTorch's SavedVariable: a tensor kept for backward together with the storage version it had
 * when saved, so an in-place write in between is detected instead of silently giving wrong grads.
 * @packageDocumentation
 */
import { AutogradError, keep, noGrad, type Tensor } from '@kiln/tensor';
import { metaOf, type AutogradMeta } from './meta.js';

/** The error PyTorch raises when backward runs through freed saved tensors (word for word, camelCased). */
export const FREED_GRAPH_MESSAGE =
  'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). ' +
  'Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). ' +
  'Specify retainGraph: true if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.';

const TORCH_TYPE: Record<string, string> = { float32: 'torch.FloatTensor', float64: 'torch.DoubleTensor', int32: 'torch.IntTensor', bool: 'torch.BoolTensor' };

/** A tensor saved for backward. */
export class SavedTensor {
  private data: Tensor | null;
  /** The original tensor: its autograd slot is read at unpack time (a saved output gets its slot after saving). */
  private source: Tensor | null;
  private version: number;
  /** "output 0 of MulBackward0", or null for leaves (for the in-place error message). */
  private readonly producer: string | null;

  /** Saves `t`; `producerName` names the node `t` is an output of (for saved outputs, the saving node). */
  constructor(t: Tensor, producerName?: string, outputNr = 0) {
    // our own Tensor object on the same storage: it holds a storage reference until released,
    // and survives the user's tidy() scopes (keep) because the graph still needs it.
    if (metaOf(t)?.inference) {
      throw new AutogradError('Inference tensors cannot be saved for backward. To work around you can make a clone to get a normal tensor and use it in autograd.');
    }
    this.data = keep(t.withView(t.layout));
    this.source = t;
    const meta = metaOf(t);
    this.version = t.storage.version;
    const fn = producerName ?? meta?.gradFn?.name() ?? null;
    this.producer = fn === null ? null : `output ${producerName ? outputNr : (meta?.outputNr ?? 0)} of ${fn}`;
  }

  /**
   * Called just before an in-place op overwrites `storage`: if this saved tensor aliases it and is
   * still current, keep a private copy of its value and of its history, so the in-place op's own
   * node (e.g. `mul` inside `a.mul_(b)`, which saved the old `a`) still sees the old value, as
   * PyTorch's in-place formulas do.
   */
  snapshotIfAliases(storage: Tensor['storage']): void {
    const d = this.data;
    if (!d || d.storage !== storage || storage.version !== this.version) return;
    const copy = keep(noGrad(() => d.clone()));
    const meta = this.source ? metaOf(this.source) : null;
    this.frozenMeta = meta ? { ...meta } : null;
    this.source = null;
    d.dispose();
    this.data = copy;
    this.version = copy.storage.version;
  }

  private frozenMeta: AutogradMeta | null = null;

  /** The saved tensor, with its autograd history (so createGraph can differentiate through it). */
  unpack(): Tensor {
    const d = this.data;
    if (!d) throw new AutogradError(FREED_GRAPH_MESSAGE);
    if (d.storage.version !== this.version) {
      const desc = `[${TORCH_TYPE[d.dtype] ?? d.dtype} [${d.shape.join(', ')}]]`;
      throw new AutogradError(
        `one of the variables needed for gradient computation has been modified by an inplace operation: ${desc}` +
          (this.producer ? `, which is ${this.producer},` : '') +
          ` is at version ${d.storage.version}; expected version ${this.version} instead. ` +
          'Hint: enable anomaly detection to find the operation that failed to compute its gradient, with setDetectAnomaly(true).',
      );
    }
    const t = d.withView(d.layout);
    // sharing the meta object makes the unpacked tensor the same autograd variable as the original
    t.autograd = this.source ? metaOf(this.source) : this.frozenMeta;
    return t;
  }

  /** Drops the storage reference (after backward without retainGraph). */
  release(): void {
    this.data?.dispose();
    this.data = null;
    this.source = null;
  }

  /** True once released. */
  get isReleased(): boolean {
    return this.data === null;
  }
}
