/**
 * Shape and stride arithmetic shared by views, broadcasting and kernels.
 * @packageDocumentation
 */
import { IndexError, ShapeError, fmtShape } from './errors.js';

/** Shape, strides (in elements; may be 0 or negative) and offset of a tensor into its storage. */
export interface View {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/** Number of elements of a shape (1 for a 0-d shape). */
export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** Row-major (C-contiguous) strides of a shape. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = acc;
    acc *= Math.max(shape[i]!, 1);
  }
  return st;
}

/** A contiguous view of `shape` starting at `offset`. */
export function contiguousView(shape: readonly number[], offset = 0): View {
  return { shape: [...shape], strides: contiguousStrides(shape), offset };
}

/** PyTorch's is_contiguous: strides equal row-major strides, ignoring dims of size 1. */
export function isContiguousView(v: View): boolean {
  let expected = 1;
  for (let i = v.shape.length - 1; i >= 0; i--) {
    const s = v.shape[i]!;
    if (s === 0) return true;
    if (s !== 1 && v.strides[i] !== expected) return false;
    expected *= s;
  }
  return true;
}

/** Normalises a possibly negative dim; IndexError in PyTorch's words when out of range. */
export function normDim(dim: number, ndim: number, op = 'op'): number {
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -n || dim >= n) {
    throw new IndexError(
      `${op}: Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim}) for a tensor with ${ndim} dimension${ndim === 1 ? '' : 's'}; ` +
        'pass a dim in that range (negative dims count from the end).',
    );
  }
  return dim < 0 ? dim + n : dim;
}

/** Normalises a list of dims, rejecting repeats. */
export function normDims(dims: readonly number[], ndim: number, op = 'op'): number[] {
  const out = dims.map((d) => normDim(d, ndim, op));
  const seen = new Set<number>();
  for (const d of out) {
    if (seen.has(d)) throw new IndexError(`${op}: dim ${d} appears multiple times in the list of dims`);
    seen.add(d);
  }
  return out;
}

/** Broadcast shapes with NumPy/PyTorch rules; ShapeError naming both shapes and the failing dim. */
export function broadcastShapes(op: string, ...shapes: (readonly number[])[]): number[] {
  const nd = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(nd).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = nd - s.length + i;
      const a = out[j]!;
      const b = s[i]!;
      if (a === b || b === 1) continue;
      if (a === 1) out[j] = b;
      else {
        throw new ShapeError(
          `${op}: The size of tensor a (${a}) must match the size of tensor b (${b}) at non-singleton dimension ${j}; ` +
            `shapes ${shapes.map(fmtShape).join(' and ')} cannot be broadcast together. ` +
            'Reshape or unsqueeze one operand so that each dim is equal or 1.',
        );
      }
    }
  }
  return out;
}

/** Strides of `v` viewed as `shape` by broadcasting (stride 0 along new/expanded dims). */
export function broadcastView(v: View, shape: readonly number[], op = 'expand'): View {
  const nd = shape.length;
  if (v.shape.length > nd) {
    throw new ShapeError(
      `${op}: the number of sizes provided (${nd}) must be greater or equal to the number of dimensions in the tensor (${v.shape.length})`,
    );
  }
  const strides = new Array<number>(nd);
  for (let i = 0; i < nd; i++) {
    const j = i - (nd - v.shape.length);
    const target = shape[i]!;
    if (j < 0) {
      strides[i] = 0;
      continue;
    }
    const s = v.shape[j]!;
    if (s === target) strides[i] = v.strides[j]!;
    else if (s === 1) strides[i] = 0;
    else {
      throw new ShapeError(
        `${op}: The expanded size of the tensor (${target}) must match the existing size (${s}) at non-singleton dimension ${i}.  ` +
          `Target sizes: ${fmtShape(shape)}.  Tensor sizes: ${fmtShape(v.shape)}`,
      );
    }
  }
  return { shape: [...shape], strides, offset: v.offset };
}

/**
 * Strides for viewing `v` as `newShape` without a copy, or null when the strides forbid it
 * (PyTorch's computeStride: merges runs of dims that are contiguous with each other).
 */
export function viewStrides(v: View, newShape: readonly number[]): number[] | null {
  const oldShape = v.shape;
  const oldStrides = v.strides;
  const numel = numelOf(oldShape);
  if (numel === 0) return contiguousStrides(newShape);
  // A 0-d tensor has one element: any all-ones shape views it (the loop below needs a last dim).
  if (oldShape.length === 0) return newShape.map(() => 1);
  const newStrides = new Array<number>(newShape.length).fill(0);
  let viewD = newShape.length - 1;
  let chunkBase = oldStrides[oldStrides.length - 1] ?? 1;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = oldShape.length - 1; d >= 0; d--) {
    tensorNumel *= oldShape[d]!;
    if (d === 0 || (oldShape[d - 1] !== 1 && oldStrides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD]!;
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = oldStrides[d - 1]!;
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return newStrides;
}

/** Resolves a single -1 in a requested shape; ShapeError when the sizes do not fit. */
export function inferShape(op: string, shape: readonly number[], numel: number, from: readonly number[]): number[] {
  let infer = -1;
  let known = 1;
  shape.forEach((s, i) => {
    if (s === -1) {
      if (infer >= 0) throw new ShapeError(`${op}: only one dimension can be inferred (got ${fmtShape(shape)})`);
      infer = i;
    } else if (!Number.isInteger(s) || s < 0) {
      throw new ShapeError(`${op}: invalid shape dimension ${s} in ${fmtShape(shape)}`);
    } else known *= s;
  });
  const out = [...shape];
  if (infer >= 0) {
    if (known === 0 || numel % known !== 0) {
      throw new ShapeError(`${op}: shape '${fmtShape(shape)}' is invalid for input of size ${numel} (input shape ${fmtShape(from)})`);
    }
    out[infer] = numel / known;
  } else if (known !== numel) {
    throw new ShapeError(`${op}: shape '${fmtShape(shape)}' is invalid for input of size ${numel} (input shape ${fmtShape(from)})`);
  }
  return out;
}

/** Calls `fn(linearPosition, storageOffset)` for every element of a view, in row-major order. */
export function forEachOffset(v: View, fn: (i: number, off: number) => void): void {
  const { shape, strides } = v;
  const nd = shape.length;
  const n = numelOf(shape);
  if (n === 0) return;
  if (nd === 0) {
    fn(0, v.offset);
    return;
  }
  const idx = new Array<number>(nd).fill(0);
  let off = v.offset;
  const last = nd - 1;
  const sLast = strides[last]!;
  const nLast = shape[last]!;
  for (let i = 0; i < n; ) {
    for (let k = 0; k < nLast; k++, i++) fn(i, off + k * sLast);
    // advance the outer index (odometer)
    let d = last - 1;
    off = v.offset;
    while (d >= 0) {
      idx[d]!++;
      if (idx[d]! < shape[d]!) break;
      idx[d] = 0;
      d--;
    }
    if (d < 0) break;
    for (let k = 0; k < last; k++) off += idx[k]! * strides[k]!;
  }
}

/** Storage offsets of every element of a view, in row-major order (Int32Array of length numel). */
export function offsetsOf(v: View): Int32Array {
  const out = new Int32Array(numelOf(v.shape));
  forEachOffset(v, (i, off) => {
    out[i] = off;
  });
  return out;
}

/** True when two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}
