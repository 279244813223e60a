/**
 * Small helpers shared by the functional files: PyTorch's `_ntuple` argument expansion, the
 * `reduction` switch of the losses, dtype/rank checks with messages that name the function.
 * @packageDocumentation
 */
import { DTypeError, ShapeError, ValueError, fmtShape, isTensor, tidy, type OpDef, type Tensor } from '@kiln/tensor';

/** PyTorch's `reduction` argument of every loss. */
export type Reduction = 'none' | 'mean' | 'sum';

/** An int or one int per spatial dim (PyTorch's `_pair`, `_triple`). */
export type IntOrTuple = number | readonly number[];

/** Expands `v` to `n` ints, checking the length (PyTorch's `_ntuple`). @internal */
export function ntuple(fn: string, name: string, v: IntOrTuple, n: number): number[] {
  const r = typeof v === 'number' ? Array<number>(n).fill(v) : [...v];
  if (r.length === 1 && n > 1) return Array<number>(n).fill(r[0]!);
  if (r.length !== n || r.some((x) => !Number.isInteger(x))) {
    throw new ValueError(`${fn}: expected ${name} to be a single int or a list of ${n} ints, but got ${JSON.stringify(v)}`);
  }
  return r;
}

/** Applies a loss `reduction` to elementwise losses. @internal */
export function reduce(fn: string, loss: Tensor, reduction: Reduction | undefined): Tensor {
  const r = reduction ?? 'mean';
  if (r === 'mean') return loss.mean();
  if (r === 'sum') return loss.sum();
  if (r === 'none') return loss;
  throw new ValueError(`${fn}: ${String(r)} is not a valid value for reduction; use 'none', 'mean' or 'sum'`);
}

/** Throws unless `x` is a floating tensor (most F functions are float-only, as in PyTorch). @internal */
export function checkFloat(fn: string, x: Tensor, name = 'input'): void {
  if (!isTensor(x)) throw new ValueError(`${fn}: expected ${name} to be a Tensor, but got ${x === null ? 'null' : typeof x}`);
  if (x.dtype !== 'float32' && x.dtype !== 'float64') {
    throw new DTypeError(`${fn}: expected ${name} to have a floating dtype (float32 or float64), but got ${x.dtype} (shape ${fmtShape(x.shape)}); convert it with .float()`);
  }
}

/** Throws unless `x.ndim` is one of `ranks`. @internal */
export function checkRank(fn: string, x: Tensor, ranks: readonly number[], what: string, name = 'input'): void {
  if (!ranks.includes(x.ndim)) {
    throw new ShapeError(`${fn}: expected ${name} to be ${ranks.map((r) => `${r}-D`).join(' or ')} (${what}), but got ${x.ndim}-D ${name} of shape ${fmtShape(x.shape)}`);
  }
}

/** Throws unless `a` and `b` have the same shape (losses that do not broadcast). @internal */
export function checkSameShape(fn: string, a: Tensor, b: Tensor, aName = 'input', bName = 'target'): void {
  if (a.ndim !== b.ndim || a.shape.some((s, i) => s !== b.shape[i])) {
    throw new ShapeError(`${fn}: expected ${bName} size ${fmtShape(b.shape)} to be the same as ${aName} size ${fmtShape(a.shape)}; reshape one of them so the shapes match`);
  }
}

/** Reads a hyper-parameter given positionally (`leakyRelu(x, 0.2)`) or in the options object. @internal */
export function numOrOpt<O extends object>(arg: number | O | undefined, key: keyof O, def: number): { value: number; options: O } {
  if (typeof arg === 'number') return { value: arg, options: {} as O };
  const o = (arg ?? {}) as O;
  const v = o[key];
  return { value: typeof v === 'number' ? v : def, options: o };
}

/** Writes `result` into `x` when `inplace` (PyTorch's `inplace=True`), else returns `result`. @internal */
export function maybeInplace(x: Tensor, result: Tensor, inplace: boolean | undefined): Tensor {
  return inplace ? x.copy_(result) : result;
}

/**
 * Wraps an op's `impl` in `tidy`, so the intermediates of its decomposition (padded copies, window
 * views, im2col columns …) are released as soon as the op returns instead of waiting for GC.
 * Only impls are wrapped: they run below autograd, so none of their intermediates is saved for
 * backward. @internal
 */
export function tidyImpl(impl: OpDef['impl']): OpDef['impl'] {
  return (inputs, attrs) => tidy(() => impl(inputs, attrs));
}
