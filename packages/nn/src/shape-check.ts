/**
 * Input checks shared by layers: errors name the layer (its one-line repr, as PyTorch prints it),
 * what it expected and the shape it got.
 * @internal
 * @packageDocumentation
 */
import { ShapeError, fmtShape, type Tensor } from '@kiln/tensor';
import type { Module } from './module.js';

/** Throws a ShapeError `"<Layer(...)>: expected <what>, got input of shape [..]"`. */
export function inputError(m: Module, expected: string, x: Tensor): never {
  throw new ShapeError(`${m.toString()}: expected ${expected}, got input of shape ${fmtShape(x.shape)}`);
}

/** Checks that `x.ndim` is one of `ranks`. */
export function checkRank(m: Module, x: Tensor, ranks: readonly number[], what?: string): void {
  if (!ranks.includes(x.ndim)) {
    const r = ranks.length === 1 ? `${ranks[0]}D` : `${ranks.slice(0, -1).join('D, ')}D or ${ranks[ranks.length - 1]}D`;
    inputError(m, `${r} input${what ? ` (${what})` : ''}`, x);
  }
}

/** Checks that dim `dim` of `x` has size `size` (e.g. channels). */
export function checkDimSize(m: Module, x: Tensor, dim: number, size: number, what: string): void {
  const d = dim < 0 ? x.ndim + dim : dim;
  if (x.shape[d] !== size) inputError(m, `input with ${size} ${what}`, x);
}

/** Normalises an int-or-tuple argument to an n-tuple (PyTorch's `_pair`, `_triple`). */
export function ntuple(v: number | readonly number[], n: number): number[] {
  return typeof v === 'number' ? Array(n).fill(v) : [...v];
}

/** Formats a tuple like Python: `(5, 5)`, `(3,)`. */
export function pyTuple(v: readonly number[]): string {
  return v.length === 1 ? `(${v[0]},)` : `(${v.join(', ')})`;
}

/**
 * Formats a value as Python's repr would inside extra_repr: True/False/None, ints as ints, arrays
 * as tuples, strings quoted. (Floats that PyTorch stores as floats go through {@link pyFloat}.)
 */
export function py(v: unknown): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pyFloat(v);
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return v.length === 1 ? `(${py(v[0])},)` : `(${v.map(py).join(', ')})`;
  return String(v);
}

/** Python's repr of a number that PyTorch stores as a float (`1.0`, `0.1`, `1e-05`, `inf`). */
export function pyFloat(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  // Python picks scientific notation when the exponent is < -4 or >= 16, JS at other bounds.
  const [mant = '0', e = '0'] = v.toExponential().split('e');
  const exp = Number(e);
  if (exp < -4 || exp >= 16) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  const s = Math.abs(v) < 1e-6 ? v.toFixed(-exp + mant.replace(/[-.]/g, '').length - 1) : String(v);
  return s.includes('.') ? s : `${s}.0`;
}
