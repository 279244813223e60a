/**
 * Parameter and Buffer: tensor subclasses that mark what a {@link Module} owns.
 *
 * Both share the storage of the tensor they wrap (as `torch.nn.Parameter(t)` does), so creating one
 * never copies data. Assigning either to a field of a Module registers it (see module.ts).
 * @packageDocumentation
 */
import { Tensor, empty, isTensor, type DType } from '@kiln/tensor';

const PARAM = Symbol.for('kiln.nn.Parameter');
const BUFFER = Symbol.for('kiln.nn.Buffer');

/**
 * A tensor that is a module parameter (torch.nn.Parameter): `requiresGrad` defaults to true, and
 * assigning it to a field of a {@link Module} registers it in `parameters()` and `stateDict()`.
 *
 * @example
 * ```ts
 * this.scale = new Parameter(ones(3));
 * ```
 */
export class Parameter extends Tensor {
  /** Brand checked by {@link isParameter} (works across duplicated package copies). */
  readonly [PARAM] = true;

  /** Wraps `data` (sharing its storage; an empty float32 tensor when omitted). */
  constructor(data?: Tensor, requiresGrad = true) {
    const src = data ?? empty([0]);
    super(src.storage, src.layout, src.dtype);
    if (requiresGrad) this.requiresGrad_(true);
  }

  /** PyTorch prints `Parameter containing:\ntensor(...)`. */
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}

/**
 * A tensor that is module state but not a parameter (torch.nn.Buffer): running statistics,
 * counters, masks. Assigning it to a Module field registers it as a buffer; `persistent: false`
 * keeps it out of `stateDict()`.
 */
export class Buffer extends Tensor {
  /** Brand checked by {@link isBuffer}. */
  readonly [BUFFER] = true;
  /** Whether the buffer is saved in `stateDict()`. */
  readonly persistent: boolean;

  /** Wraps `data`, sharing its storage. */
  constructor(data: Tensor, options: { persistent?: boolean } = {}) {
    super(data.storage, data.layout, data.dtype);
    this.persistent = options.persistent ?? true;
  }
}

/** True for {@link Parameter} instances (torch's `isinstance(x, nn.Parameter)`). */
export function isParameter(x: unknown): x is Parameter {
  return isTensor(x) && (x as unknown as Record<symbol, unknown>)[PARAM] === true;
}

/** True for {@link Buffer} instances. */
export function isBuffer(x: unknown): x is Buffer {
  return isTensor(x) && (x as unknown as Record<symbol, unknown>)[BUFFER] === true;
}

/**
 * Points `t` at the data of `src` in place (PyTorch's `param.data = src`), keeping the object's
 * identity so optimizers that hold it keep working after `module.to(...)`.
 *
 * Why this shape: @kiln/tensor has no `set_()` yet. `dispose()` drops `t`'s reference to its old
 * storage and its garbage-collection registration without touching other views of that storage;
 * then `t` takes a reference to `src`'s storage. Until tensor offers `set_`, a swapped tensor is
 * not freed by the GC backstop: dispose it (or let its module go) explicitly in long-running code.
 * @internal
 */
export function setData_(t: Tensor, src: Tensor): void {
  if (src === t || (src.storage === t.storage && src.dtype === t.dtype && sameView(src, t))) return;
  const w = t as unknown as { storage: Tensor['storage']; layout: Tensor['layout']; dtype: DType; disposed: boolean };
  src.storage.retain();
  t.dispose();
  w.storage = src.storage;
  w.layout = src.layout;
  w.dtype = src.dtype;
  w.disposed = false;
}

function sameView(a: Tensor, b: Tensor): boolean {
  return a.layout.offset === b.layout.offset && a.shape.join() === b.shape.join() && a.strides.join() === b.strides.join();
}
