/**
 * F.pad with PyTorch's four modes. `pad` lists (before, after) pairs starting from the last dim.
 * Non-constant modes are built from slices (narrow/flip/expand) and cat, so they are views plus
 * one copy, and autograd differentiates them through those ops.
 * @packageDocumentation
 */
import { ShapeError, ValueError, cat, fmtShape, padConstant, type Tensor } from '@kiln/tensor';

/** The padding modes of F.pad. */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/**
 * Pads `input`: `pad(x, [1, 1])` pads the last dim, `pad(x, [l, r, t, b])` the last two …
 * `mode` may be given positionally (`pad(x, p, 'reflect')`) or as `{ mode, value }`.
 */
export function pad(input: Tensor, pad: readonly number[], mode: PadMode | { mode?: PadMode; value?: number | null } = 'constant', value?: number | null): Tensor {
  const o = typeof mode === 'string' ? { mode, value } : mode;
  const m = o.mode ?? 'constant';
  if (pad.length % 2 !== 0) throw new ValueError(`pad: Padding length must be divisible by 2, got ${pad.length} (pad ${fmtShape(pad)})`);
  if (pad.length / 2 > input.ndim) throw new ValueError(`pad: Padding length (${pad.length}) must be at most twice the input dimension (input ${fmtShape(input.shape)})`);
  if (m === 'constant') return padConstant(input, pad, o.value ?? 0);
  if (o.value !== undefined && o.value !== null && o.value !== 0) throw new ValueError(`pad: Padding mode "${m}" doesn't take in value argument`);
  if (m !== 'reflect' && m !== 'replicate' && m !== 'circular') throw new ValueError(`pad: Unrecognised padding mode ${String(m)}; use 'constant', 'reflect', 'replicate' or 'circular'`);
  if (pad.length / 2 > input.ndim - 1) {
    throw new ShapeError(`pad: ${m} padding of ${pad.length / 2} dims needs an input with a leading (batch/channel) dim, but got input of size ${fmtShape(input.shape)}`);
  }
  let r = input;
  for (let i = 0; i < pad.length / 2; i++) {
    const d = input.ndim - 1 - i;
    let lo = pad[2 * i]!, hi = pad[2 * i + 1]!;
    // negative padding crops first
    if (lo < 0) { r = r.narrow(d, -lo, r.shape[d]! + lo); lo = 0; }
    if (hi < 0) { r = r.narrow(d, 0, r.shape[d]! + hi); hi = 0; }
    const n = r.shape[d]!;
    const parts: Tensor[] = [];
    if (m === 'reflect') {
      if (lo >= n || hi >= n) throw new ShapeError(`pad: Padding size should be less than the corresponding input dimension, but got: padding (${lo}, ${hi}) at dimension ${d} of input ${fmtShape(input.shape)}`);
      if (lo > 0) parts.push(r.narrow(d, 1, lo).flip(d));
      parts.push(r);
      if (hi > 0) parts.push(r.narrow(d, n - 1 - hi, hi).flip(d));
    } else if (m === 'replicate') {
      if (n === 0) throw new ShapeError(`pad: cannot replicate-pad an empty dimension ${d} of input ${fmtShape(input.shape)}`);
      const grow = (t: Tensor, k: number) => t.expand(t.shape.map((s, j) => (j === d ? k : s)));
      if (lo > 0) parts.push(grow(r.narrow(d, 0, 1), lo));
      parts.push(r);
      if (hi > 0) parts.push(grow(r.narrow(d, n - 1, 1), hi));
    } else {
      if (lo > n || hi > n) throw new ShapeError(`pad: Padding value causes wrapping around more than once (padding (${lo}, ${hi}) at dimension ${d} of size ${n})`);
      if (lo > 0) parts.push(r.narrow(d, n - lo, lo));
      parts.push(r);
      if (hi > 0) parts.push(r.narrow(d, 0, hi));
    }
    if (parts.length > 1) r = cat(parts, d);
  }
  return r === input ? input.clone() : r;
}
