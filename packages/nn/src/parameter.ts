/**
 * Parameter and Buffer: tensor subclasses that mark what a {@link Module} owns.
 *
 * Both share the storage of the tensor they wrap (as `torch.nn.Parameter(t)` does), so creating one
 * never copies data. Assigning either to a field of a Module registers it (see module.ts).
 * @packageDocumentation
 */
import { Tensor, empty, isTensor } from '@kiln/tensor';

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

/** `t.set_(src)` (PyTorch's `param.data = src`), skipped when `src` already is `t`'s data. @internal */
export function setData_(t: Tensor, src: Tensor): void {
  if (src !== t) t.set_(src);
}
