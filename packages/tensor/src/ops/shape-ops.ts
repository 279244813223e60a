/**
 * Ops that build new tensors from pieces: cat/stack (the `cat` primitive composition uses the
 * backend's strided `copyInto`), pad, repeat/tile, roll, tril/triu, repeatInterleave.
 * @packageDocumentation
 */
import { defineOp, dispatch1 } from '../dispatch.js';
import { promoteTypes } from '../dtype.js';
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { contiguousView, normDim, numelOf } from '../shape.js';
import { Tensor, isTensor } from '../tensor.js';
import { arange } from './creation.js';
import * as E from './elementwise.js';

defineOp({
  name: 'cat',
  impl: (inputs, a) => {
    const dim = a.dim as number;
    const first = inputs[0]!;
    const shape = [...first.shape];
    shape[dim] = inputs.reduce((p, t) => p + t.shape[dim]!, 0);
    const backend = first.storage.backend;
    const out = Tensor.fromHandle(backend.alloc(first.dtype, numelOf(shape)), first.dtype, shape, first.device);
    const base = contiguousView(shape);
    let offset = 0;
    for (const t of inputs) {
      const len = t.shape[dim]!;
      if (len > 0) {
        const view = { shape: t.shape, strides: base.strides, offset: offset * base.strides[dim]! };
        backend.copyInto({ handle: out.storage.handle, dtype: out.dtype, view }, t.operand());
      }
      offset += len;
    }
    return [out];
  },
});

/** torch.cat: tensors of equal shape except along `dim`; legacy 1-D empty tensors are skipped. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!tensors || tensors.length === 0) throw new ValueError('cat(): expected a non-empty list of Tensors');
  for (const t of tensors) if (!isTensor(t)) throw new ValueError(`cat(): expected a list of Tensors, got an element of type ${typeof t}`);
  // PyTorch skips 1-D empty tensors of shape [0] for backward compatibility
  const list = tensors.filter((t) => !(t.ndim === 1 && t.shape[0] === 0));
  if (list.length === 0) return tensors[0]!.clone();
  const ref = list[0]!;
  if (ref.ndim === 0) throw new ShapeError('cat(): zero-dimensional tensor (at position 0) cannot be concatenated');
  const d = normDim(dim, ref.ndim, 'cat');
  const dtype = list.map((t) => t.dtype).reduce(promoteTypes);
  list.forEach((t, i) => {
    if (t.ndim !== ref.ndim || t.shape.some((s, j) => j !== d && s !== ref.shape[j])) {
      throw new ShapeError(
        `cat(): Sizes of tensors must match except in dimension ${d}. Expected size ${ref.shape.map((s, j) => (j === d ? '*' : s)).join('x')} but got ${fmtShape(t.shape)} for tensor number ${i} in the list (tensor 0 has shape ${fmtShape(ref.shape)}); ` +
          'reshape or slice the tensors so that only the cat dim differs.',
      );
    }
  });
  return dispatch1('cat', list.map((t) => (t.dtype === dtype ? t : t.to(dtype))), { dim: d });
}

/** torch.stack: new dim. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!tensors || tensors.length === 0) throw new ValueError('stack expects a non-empty TensorList');
  const ref = tensors[0]!;
  tensors.forEach((t, i) => {
    if (t.ndim !== ref.ndim || t.shape.some((s, j) => s !== ref.shape[j])) {
      throw new ShapeError(`stack expects each tensor to be equal size, but got ${fmtShape(ref.shape)} at entry 0 and ${fmtShape(t.shape)} at entry ${i}; use cat() to join tensors of different sizes along an existing dim`);
    }
  });
  const d = normDim(dim, ref.ndim + 1, 'stack');
  return cat(tensors.map((t) => t.unsqueeze(d)), d);
}

/** torch.hstack / vstack. */
export function hstack(tensors: readonly Tensor[]): Tensor {
  return cat(tensors, tensors[0]?.ndim === 1 ? 0 : 1);
}
export function vstack(tensors: readonly Tensor[]): Tensor {
  return cat(tensors.map((t) => (t.ndim < 2 ? t.reshape([1, -1]) : t)), 0);
}

/** Tensor.repeat: tile by `sizes` (len ≥ ndim); `op` names the public op in errors (tile). */
export function repeat(x: Tensor, sizes: readonly number[], op = 'repeat'): Tensor {
  if (sizes.some((r) => !Number.isInteger(r) || r < 0)) {
    throw new ShapeError(`${op}: Trying to create tensor with negative dimension: repeats ${fmtShape(sizes)} must be non-negative integers`);
  }
  if (sizes.length < x.ndim) {
    throw new ShapeError(`${op}: Number of dimensions of repeat dims (${sizes.length}) can not be smaller than number of dimensions of tensor (${x.ndim})`);
  }
  const pad = sizes.length - x.ndim;
  const xs = [...Array(pad).fill(1), ...x.shape] as number[];
  // [r0, s0, r1, s1, …] via expand, then merge pairs
  const inter: number[] = [];
  const exp: number[] = [];
  xs.forEach((s, i) => {
    inter.push(1, s);
    exp.push(sizes[i]!, s);
  });
  return x.reshape(inter).expand(exp).reshape(xs.map((s, i) => s * sizes[i]!));
}

/** numpy/torch tile: like repeat, but pads `dims` with leading ones. */
export function tile(x: Tensor, dims: readonly number[]): Tensor {
  const d = dims.length < x.ndim ? [...Array(x.ndim - dims.length).fill(1), ...dims] : [...dims];
  return repeat(x, d, 'tile');
}

/** torch.roll. Without dims, rolls the flattened tensor. */
export function roll(x: Tensor, shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
  const s = typeof shifts === 'number' ? [shifts] : [...shifts];
  if (dims === undefined) return roll(x.flatten(), s[0]!, 0).reshape(x.shape);
  const ds = typeof dims === 'number' ? [dims] : [...dims];
  if (s.length !== ds.length) throw new ValueError(`roll: shifts and dimensions must align. shifts: ${s.length}, dims: ${ds.length}`);
  let r = x;
  s.forEach((sh, i) => {
    const d = normDim(ds[i]!, x.ndim, 'roll');
    const n = r.shape[d]!;
    if (n === 0) return;
    const k = ((sh % n) + n) % n;
    if (k === 0) return;
    r = cat([r.narrow(d, n - k, k), r.narrow(d, 0, n - k)], d);
  });
  return r === x ? x.clone() : r;
}

function triMask(x: Tensor, diagonal: number, lower: boolean): Tensor {
  if (x.ndim < 2) throw new ShapeError(`${lower ? 'tril' : 'triu'}: input tensor must have at least 2 dimensions, got shape ${fmtShape(x.shape)}`);
  const [m, n] = x.shape.slice(-2) as [number, number];
  const rows = arange(m, { device: x.device }).reshape([m, 1]);
  const cols = arange(n, { device: x.device }).reshape([1, n]);
  const diff = E.sub(cols, rows);
  return lower ? E.binary('le', diff, diagonal) : E.binary('ge', diff, diagonal);
}

/** Lower triangle. */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return E.where(triMask(x, diagonal, true), x, E.operandAs(0, x.dtype, x));
}

/** Upper triangle. */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return E.where(triMask(x, diagonal, false), x, E.operandAs(0, x.dtype, x));
}

/** torch.repeat_interleave with a scalar repeat count. */
export function repeatInterleave(x: Tensor, repeats: number, dim?: number): Tensor {
  if (!Number.isInteger(repeats) || repeats < 0) throw new ValueError(`repeatInterleave: repeats can not be negative (got ${repeats}); pass a non-negative integer`);
  if (dim === undefined) return repeatInterleave(x.flatten(), repeats, 0);
  const d = normDim(dim, x.ndim, 'repeatInterleave');
  const shape = x.shape;
  const u = x.unsqueeze(d + 1);
  const exp = [...shape.slice(0, d + 1), repeats, ...shape.slice(d + 1)];
  return u.expand(exp).reshape([...shape.slice(0, d), shape[d]! * repeats, ...shape.slice(d + 1)]);
}

/**
 * Constant padding (the general `pad` for reflect/replicate/circular lives in @kiln/functional).
 * `pad` lists (left, right) pairs starting from the last dim, as in torch.nn.functional.pad.
 */
export function padConstant(x: Tensor, pad: readonly number[], value = 0): Tensor {
  if (pad.length % 2 !== 0) throw new ValueError(`padConstant: Padding length must be divisible by 2, got ${pad.length}`);
  if (pad.length / 2 > x.ndim) throw new ValueError(`padConstant: Padding length should be less than or equal to two times the input dimension but got padding length ${pad.length} and input of dimension ${x.ndim}`);
  let r = x;
  for (let i = 0; i < pad.length / 2; i++) {
    const d = x.ndim - 1 - i;
    const before = pad[2 * i]!, after = pad[2 * i + 1]!;
    const size = r.shape[d]! + before + after;
    if (size < 0) {
      throw new ShapeError(`padConstant: padding (${before}, ${after}) of dim ${d} would make its size ${size} for input shape ${fmtShape(x.shape)}; negative padding may crop at most the whole dim`);
    }
    // negative padding crops
    if (before < 0) r = r.narrow(d, -before, r.shape[d]! + before);
    if (after < 0) r = r.narrow(d, 0, r.shape[d]! + after);
    const parts: Tensor[] = [];
    const filler = (k: number) => E.operandAs(value, x.dtype, x).expand(r.shape.map((s, j) => (j === d ? k : s)));
    if (before > 0) parts.push(filler(before));
    parts.push(r);
    if (after > 0) parts.push(filler(after));
    if (parts.length > 1) r = cat(parts, d);
  }
  return r === x ? x.clone() : r;
}
