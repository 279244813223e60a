/**
 * View ops: they never reach a backend, only build a new {@link View} over the same storage.
 * Each is a dispatched op (so autograd records it), marked `view: true`.
 * @packageDocumentation
 */
import { defineOp, dispatch1 } from '../dispatch.js';
import { IndexError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { broadcastView, inferShape, normDim, normDims, numelOf, viewStrides } from '../shape.js';
import type { Dims, ShapeArgs, Tensor } from '../tensor.js';

/** Accepts `f(2, 3)` and `f([2, 3])`. @internal */
export function shapeArg(args: ShapeArgs): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return [...(args[0] as readonly number[])];
  return args as number[];
}

const attr = <T>(a: Readonly<Record<string, unknown>>, k: string) => a[k] as T;

defineOp({
  name: 'view', view: true,
  impl: ([x], a) => {
    const shape = attr<number[]>(a, 'shape');
    const strides = viewStrides(x!.layout, shape);
    if (!strides) {
      throw new ShapeError(
        `view: view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces) ` +
          `for input shape ${fmtShape(x!.shape)} with strides ${fmtShape(x!.strides)} → ${fmtShape(shape)}. Use .reshape(...) instead.`,
      );
    }
    return [x!.withView({ shape, strides, offset: x!.layout.offset })];
  },
});

defineOp({
  name: 'permute', view: true,
  impl: ([x], a) => {
    const dims = attr<number[]>(a, 'dims');
    const l = x!.layout;
    return [x!.withView({ shape: dims.map((d) => l.shape[d]!), strides: dims.map((d) => l.strides[d]!), offset: l.offset })];
  },
});

defineOp({
  name: 'expand', view: true,
  impl: ([x], a) => [x!.withView(broadcastView(x!.layout, attr<number[]>(a, 'shape'), 'expand'))],
});

defineOp({
  name: 'slice', view: true,
  impl: ([x], a) => {
    const { dim, start, end, step } = a as { dim: number; start: number; end: number; step: number };
    const l = x!.layout;
    const len = Math.max(0, Math.ceil((end - start) / step));
    const shape = [...l.shape];
    const strides = [...l.strides];
    shape[dim] = len;
    strides[dim] = l.strides[dim]! * step;
    return [x!.withView({ shape, strides, offset: l.offset + (len > 0 ? start * l.strides[dim]! : 0) })];
  },
});

defineOp({
  name: 'select', view: true,
  impl: ([x], a) => {
    const { dim, index } = a as { dim: number; index: number };
    const l = x!.layout;
    return [
      x!.withView({
        shape: l.shape.filter((_, i) => i !== dim),
        strides: l.strides.filter((_, i) => i !== dim),
        offset: l.offset + index * l.strides[dim]!,
      }),
    ];
  },
});

defineOp({
  name: 'squeeze', view: true,
  impl: ([x], a) => {
    const dims = attr<number[]>(a, 'dims');
    const l = x!.layout;
    const keep = (i: number) => !(dims.includes(i) && l.shape[i] === 1);
    return [x!.withView({ shape: l.shape.filter((_, i) => keep(i)), strides: l.strides.filter((_, i) => keep(i)), offset: l.offset })];
  },
});

defineOp({
  name: 'unsqueeze', view: true,
  impl: ([x], a) => {
    const dim = attr<number>(a, 'dim');
    const l = x!.layout;
    const shape = [...l.shape];
    const strides = [...l.strides];
    const st = dim < l.shape.length ? l.shape[dim]! * l.strides[dim]! : 1;
    shape.splice(dim, 0, 1);
    strides.splice(dim, 0, st);
    return [x!.withView({ shape, strides, offset: l.offset })];
  },
});

defineOp({
  name: 'flip', view: true,
  impl: ([x], a) => {
    const dims = attr<number[]>(a, 'dims');
    const l = x!.layout;
    let offset = l.offset;
    const strides = [...l.strides];
    for (const d of dims) {
      if (l.shape[d]! > 0) offset += (l.shape[d]! - 1) * l.strides[d]!;
      strides[d] = -l.strides[d]!;
    }
    return [x!.withView({ shape: [...l.shape], strides, offset })];
  },
});

defineOp({
  name: 'asStrided', view: true,
  impl: ([x], a) => {
    const { size, stride, offset } = a as { size: number[]; stride: number[]; offset: number };
    return [x!.withView({ shape: [...size], strides: [...stride], offset })];
  },
});

defineOp({
  name: 'unfold', view: true,
  impl: ([x], a) => {
    const { dim, size, step } = a as { dim: number; size: number; step: number };
    const l = x!.layout;
    const shape = [...l.shape];
    const strides = [...l.strides];
    if (l.shape.length === 0) return [x!.withView({ shape: [size], strides: [step], offset: l.offset })];
    shape[dim] = Math.floor((l.shape[dim]! - size) / step) + 1;
    strides[dim] = l.strides[dim]! * step;
    shape.push(size);
    strides.push(l.strides[dim]!);
    return [x!.withView({ shape, strides, offset: l.offset })];
  },
});

defineOp({
  name: 'diagonal', view: true,
  impl: ([x], a) => {
    const { offset: k, dim1, dim2 } = a as { offset: number; dim1: number; dim2: number };
    const l = x!.layout;
    const n1 = l.shape[dim1]!, n2 = l.shape[dim2]!;
    const len = Math.max(0, k >= 0 ? Math.min(n1, n2 - k) : Math.min(n1 + k, n2));
    let offset = l.offset;
    if (len > 0) offset += k >= 0 ? k * l.strides[dim2]! : -k * l.strides[dim1]!;
    const keep = (i: number) => i !== dim1 && i !== dim2;
    return [
      x!.withView({
        shape: [...l.shape.filter((_, i) => keep(i)), len],
        strides: [...l.strides.filter((_, i) => keep(i)), l.strides[dim1]! + l.strides[dim2]!],
        offset,
      }),
    ];
  },
});

// ------------------------------------------------------------------ public functions

/** A view with `shape` (one -1 inferred); ShapeError when strides forbid a view. */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  return dispatch1('view', [x], { shape: inferShape('view', shape, x.numel(), x.shape) });
}

/** A view when possible, else a contiguous copy with the new shape. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const s = inferShape('reshape', shape, x.numel(), x.shape);
  if (viewStrides(x.layout, s)) return dispatch1('view', [x], { shape: s });
  return dispatch1('view', [x.contiguous()], { shape: s });
}

/** Reorders dims. */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== x.ndim) {
    throw new ShapeError(
      `permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${x.ndim} is not equal to len(dims) = ${dims.length}`.replace('(sparse_coo)', ''),
    );
  }
  return dispatch1('permute', [x], { dims: normDims(dims, x.ndim, 'permute') });
}

/** Swaps two dims. */
export function transpose(x: Tensor, d0: number, d1: number): Tensor {
  if (x.ndim === 0) return x.view([]);
  const a = normDim(d0, x.ndim, 'transpose');
  const b = normDim(d1, x.ndim, 'transpose');
  const dims = [...Array(x.ndim).keys()];
  dims[a] = b;
  dims[b] = a;
  return dispatch1('permute', [x], { dims });
}

/** Transpose of a ≤2-D tensor. */
export function t(x: Tensor): Tensor {
  if (x.ndim > 2) throw new ShapeError(`t() expects a tensor with <= 2 dimensions, but self is ${x.ndim}D (shape ${fmtShape(x.shape)}); use transpose(dim0, dim1) or .mT`);
  return x.ndim < 2 ? x.view(x.shape) : transpose(x, 0, 1);
}

/** Broadcast view; -1 keeps the existing size. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const nd = shape.length;
  const s = shape.map((v, i) => {
    const j = i - (nd - x.ndim);
    if (v === -1) {
      if (j < 0) throw new ShapeError(`expand: The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension ${i}`);
      return x.shape[j]!;
    }
    return v;
  });
  return dispatch1('expand', [x], { shape: s });
}

/** Removes size-1 dims. */
export function squeeze(x: Tensor, dim?: Dims): Tensor {
  const dims = dim === undefined || dim === null ? [...Array(x.ndim).keys()] : normDims(typeof dim === 'number' ? [dim] : dim, x.ndim, 'squeeze');
  return dispatch1('squeeze', [x], { dims });
}

/** Inserts a size-1 dim at `dim` (range [-ndim-1, ndim]). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  return dispatch1('unsqueeze', [x], { dim: normDim(dim, x.ndim + 1, 'unsqueeze') });
}

/** Flattens dims start..end. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normDim(startDim, x.ndim, 'flatten');
  const e = normDim(endDim, x.ndim, 'flatten');
  if (s > e) throw new ShapeError(`flatten() has invalid args: start_dim (${startDim}) cannot come after end_dim (${endDim})`);
  const shape = [...x.shape.slice(0, s), numelOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

/** Splits `dim` into `sizes` (one -1 allowed). */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normDim(dim, x.ndim, 'unflatten');
  const inner = inferShape('unflatten', sizes, x.shape[d]!, x.shape);
  return view(x, [...x.shape.slice(0, d), ...inner, ...x.shape.slice(d + 1)]);
}

/** Strided slice of one dim with Python's clamping of start/end. */
export function slice(x: Tensor, dim: number, start: number | null, end: number | null, step = 1): Tensor {
  const d = normDim(dim, x.ndim, 'slice');
  if (!Number.isInteger(step) || step <= 0) throw new ValueError(`slice: step must be a positive integer, got ${step} (negative steps are not supported; use flip)`);
  const n = x.shape[d]!;
  const clampIdx = (v: number | null, def: number) => {
    if (v === null) return def;
    const w = v < 0 ? v + n : v;
    return Math.min(Math.max(w, 0), n);
  };
  const s = clampIdx(start, 0);
  const e = Math.max(clampIdx(end, n), s);
  return dispatch1('slice', [x], { dim: d, start: s, end: e, step });
}

/** torch.narrow: `length` elements from `start`; IndexError when out of range. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normDim(dim, x.ndim, 'narrow');
  const n = x.shape[d]!;
  const s = start < 0 ? start + n : start;
  if (s < 0 || s > n || length < 0 || s + length > n) {
    throw new IndexError(`narrow: start (${start}) + length (${length}) exceeds dimension size (${n}) of dim ${dim} for shape ${fmtShape(x.shape)}; start + length must be <= ${n}`);
  }
  return dispatch1('slice', [x], { dim: d, start: s, end: s + length, step: 1 });
}

/** x[..., index, ...] along `dim` (removes the dim). */
export function select(x: Tensor, dim: number, index: number): Tensor {
  const d = normDim(dim, x.ndim, 'select');
  const n = x.shape[d]!;
  if (!Number.isInteger(index) || index < -n || index >= n) {
    throw new IndexError(`select(): index ${index} out of range for tensor of size ${fmtShape(x.shape)} at dimension ${d}; valid indices are ${-n}..${n - 1}`);
  }
  return dispatch1('select', [x], { dim: d, index: index < 0 ? index + n : index });
}

/** Reverses dims (a negative-stride view). */
export function flip(x: Tensor, dims: readonly number[]): Tensor {
  return dispatch1('flip', [x], { dims: normDims(dims, x.ndim, 'flip') });
}

/** torch.as_strided; the view must stay inside the storage. */
export function asStrided(x: Tensor, size: readonly number[], stride: readonly number[], storageOffset?: number): Tensor {
  const offset = storageOffset ?? x.layout.offset;
  if (size.length !== stride.length) throw new ShapeError(`asStrided: mismatch in length of strides and shape (${size.length} vs ${stride.length})`);
  if (size.some((v) => !Number.isInteger(v) || v < 0) || stride.some((v) => !Number.isInteger(v))) {
    throw new ShapeError(`asStrided: sizes ${fmtShape(size)} must be non-negative integers and strides ${fmtShape(stride)} integers`);
  }
  let lo = offset, hi = offset;
  size.forEach((s, i) => {
    if (s === 0) return;
    const span = (s - 1) * stride[i]!;
    if (span > 0) hi += span;
    else lo += span;
  });
  if (numelOf(size) > 0 && (lo < 0 || hi >= x.storage.numel)) {
    throw new ShapeError(
      `asStrided: setStorage: sizes ${fmtShape(size)}, strides ${fmtShape(stride)}, storage offset ${offset} ` +
        `require a storage of at least ${hi + 1} elements, but the storage has ${x.storage.numel}.`,
    );
  }
  return dispatch1('asStrided', [x], { size: [...size], stride: [...stride], offset });
}

/** Sliding windows along `dim`. */
export function unfold(x: Tensor, dim: number, size: number, step: number): Tensor {
  const d = x.ndim === 0 ? 0 : normDim(dim, x.ndim, 'unfold');
  const n = x.ndim === 0 ? 1 : x.shape[d]!;
  if (size > n) throw new ShapeError(`unfold: maximum size for tensor at dimension ${d} is ${n} but size is ${size}`);
  if (step <= 0) throw new ValueError(`unfold: step is ${step} but must be > 0`);
  return dispatch1('unfold', [x], { dim: d, size, step });
}

/** The diagonal w.r.t. dim1/dim2 as a view (a new last dim). */
export function diagonal(x: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  const a = normDim(dim1, x.ndim, 'diagonal');
  const b = normDim(dim2, x.ndim, 'diagonal');
  if (a === b) throw new ValueError(`diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  return dispatch1('diagonal', [x], { offset, dim1: a, dim2: b });
}

/** torch.split. */
export function split(x: Tensor, sizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  const d = normDim(dim, x.ndim, 'split');
  const n = x.shape[d]!;
  let sizes: number[];
  if (typeof sizeOrSections === 'number') {
    if (sizeOrSections <= 0 && n > 0) throw new ValueError(`split: split_size can only be 0 if dimension size is 0, but got dimension size of ${n}`);
    sizes = [];
    for (let s = 0; s < n; s += sizeOrSections) sizes.push(Math.min(sizeOrSections, n - s));
    if (n === 0) sizes = [0];
  } else {
    sizes = [...sizeOrSections];
    const tot = sizes.reduce((p, c) => p + c, 0);
    if (tot !== n) {
      throw new ShapeError(`split_with_sizes expects split_sizes to sum exactly to ${n} (input tensor's size at dimension ${d}), but got split_sizes=${fmtShape(sizes)}`);
    }
  }
  let start = 0;
  return sizes.map((len) => {
    const r = narrow(x, d, start, len);
    start += len;
    return r;
  });
}

/** torch.chunk: ceil(n / chunks) per chunk (fewer chunks when it divides unevenly). */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0) throw new ValueError(`chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
  const d = normDim(dim, x.ndim, 'chunk');
  const n = x.shape[d]!;
  // an empty dim splits into `chunks` empty pieces, as in PyTorch
  if (n === 0) return Array.from({ length: chunks }, () => narrow(x, d, 0, 0));
  return split(x, Math.ceil(n / chunks), d);
}

/** Slices along `dim`, removing it. */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  const d = normDim(dim, x.ndim, 'unbind');
  return Array.from({ length: x.shape[d]! }, (_, i) => select(x, d, i));
}

/** Shares storage, outside the autograd graph (not dispatched: nothing to record). */
export function detach(x: Tensor): Tensor {
  x.assertAlive('detach');
  return x.withView(x.layout);
}

