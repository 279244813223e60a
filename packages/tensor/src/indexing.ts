/**
 * NumPy/PyTorch indexing. JavaScript has no `x[...]` operator for tensors, so Python's
 * `x[0, 1::2, ..., None, mask]` is `x.index(0, slice(1, null, 2), '...', null, mask)` and
 * `x[idx] = v` is `x.indexPut_([idx], v)`.
 *
 * The algorithm follows PyTorch's `applySlicing` + `index`: a first pass applies every *basic*
 * item (integer, slice, ellipsis, new axis) as a view op, and records each *advanced* item
 * (index tensor, number array, mask, scalar boolean) against the dim it applies to. If nothing
 * advanced was recorded, the result is that view (no copy, shares storage). Otherwise the advanced
 * indices are broadcast together and turned into one linear index into the advanced dims, which
 * are gathered with `indexSelect` (reading) or written with `scatter`/`scatterAdd` (writing).
 * Only composed public ops are used, so autograd differentiates indexing through them.
 *
 * Differences from PyTorch 1.13, on purpose: a second `'...'` is an IndexError (PyTorch 1.13
 * accepts it with odd results; NumPy rejects it); a float index tensor's message says "long, int,
 * byte or bool" because Kiln's integer dtype is int32 (newer PyTorch says the same); negative slice
 * steps are a ValueError, as in PyTorch (use `flip`).
 * @packageDocumentation
 */
import { DTypeError, IndexError, ShapeError, ValueError, fmtShape } from './errors.js';
import { broadcastShapes, numelOf } from './shape.js';
import { isTensor, type Tensor, type TensorLike } from './tensor.js';
import { fromHost, scalarTensor } from './ops/creation.js';
import * as E from './ops/elementwise.js';
import * as I from './ops/index-ops.js';
import * as V from './ops/views.js';

/** A Python-style slice `start:stop:step`. */
export interface Slice {
  readonly kind: 'slice';
  readonly start: number | null;
  readonly stop: number | null;
  readonly step: number;
}

/**
 * One index item, as in Python's `x[...]`: an integer, a {@link Slice}, `'...'` (Ellipsis),
 * `null` (None: a new axis), a scalar boolean, an int32/bool tensor, or a plain array of
 * integers (an int index tensor) or of booleans (a mask).
 */
export type Index = number | Slice | '...' | null | boolean | Tensor | readonly number[] | readonly boolean[];

/** Builds a slice: `slice(1, null, 2)` is Python's `1::2`; `slice(null, -1)` is `:-1`. */
export function slice(start: number | null = null, stop: number | null = null, step = 1): Slice {
  return { kind: 'slice', start, stop, step };
}

function isSlice(i: Index): i is Slice {
  return typeof i === 'object' && i !== null && !Array.isArray(i) && (i as { kind?: unknown }).kind === 'slice';
}

/** Plain arrays become index tensors on x's device (PyTorch turns Python lists into int64/bool tensors). */
function toIndexTensor(x: Tensor, idx: readonly number[] | readonly boolean[]): Tensor {
  const isBool = idx.length > 0 && idx.every((v) => typeof v === 'boolean');
  if (!isBool && !idx.every((v) => typeof v === 'number' && Number.isInteger(v))) {
    throw new IndexError(`index: an index array must hold only integers or only booleans, got ${JSON.stringify(idx)}`);
  }
  const data = isBool ? Uint8Array.from(idx as readonly boolean[], (b) => (b ? 1 : 0)) : Int32Array.from(idx as readonly number[]);
  return fromHost(data, isBool ? 'bool' : 'int32', [idx.length], x.device);
}

/** Number of dims of `x` an item consumes (PyTorch's count_specified_dimensions). */
function consumedDims(i: Index): number {
  if (typeof i === 'number' || isSlice(i)) return 1;
  if (isTensor(i)) return i.dtype === 'bool' ? i.ndim : 1;
  if (Array.isArray(i)) return 1;
  return 0; // '...', null, true/false
}

/** The result of the basic pass: a view, and the advanced index recorded for each of its dims. */
interface Sliced {
  view: Tensor;
  adv: (Tensor | undefined)[];
}

/** Applies the basic items as views and records the advanced ones (PyTorch's applySlicing). */
function applySlicing(x: Tensor, indices: readonly Index[], op: string): Sliced {
  x.assertAlive(op);
  const items = indices.map((i) => (Array.isArray(i) ? toIndexTensor(x, i as readonly number[]) : (i as Index)));
  let specified = 0;
  let ellipses = 0;
  for (const i of items) {
    specified += consumedDims(i);
    if (i === '...') ellipses++;
    else if (!(i === null || typeof i === 'number' || typeof i === 'boolean' || isSlice(i) || isTensor(i))) {
      throw new IndexError(`${op}: only integers, slices (slice()), ellipsis ('...'), null, booleans and int32 or bool tensors are valid indices (got ${String(i)})`);
    }
  }
  // PyTorch 1.13 silently accepts several ellipses (with odd results); NumPy and Kiln reject them.
  if (ellipses > 1) throw new IndexError(`${op}: an index can only have a single ellipsis ('...')`);
  if (x.ndim === 0 && items.length === 1 && typeof items[0] === 'number') {
    throw new IndexError(`invalid index of a 0-dim tensor. Use \`tensor.item()\` to convert a 0-dim tensor to a number (${op})`);
  }
  if (specified > x.ndim) {
    throw new IndexError(`too many indices for tensor of dimension ${x.ndim} (${op} got ${specified} indices for shape ${fmtShape(x.shape)})`);
  }
  let view = x;
  const adv: (Tensor | undefined)[] = [];
  let dim = 0; // dim of `view` the next item applies to
  const record = (t: Tensor) => {
    adv[dim++] = t;
  };
  // PyTorch's error messages name the item's position in the index list as "dimension".
  const selectAt = (i: number, position: number) => {
    const n = view.shape[dim]!;
    if (!Number.isInteger(i)) throw new IndexError(`${op}: an integer index must be an integer, got ${i}`);
    if (i < -n || i >= n) throw new IndexError(`index ${i} is out of bounds for dimension ${position} with size ${n}`);
    view = V.select(view, dim, i);
  };
  // A scalar boolean adds a size-1 dim indexed by [0] (true) or by an empty index (false), as in PyTorch.
  const boolAt = (b: boolean) => {
    view = V.unsqueeze(view, dim);
    record(fromHost(Int32Array.from(b ? [0] : []), 'int32', [b ? 1 : 0], x.device));
  };
  for (const [position, item] of items.entries()) {
    if (typeof item === 'number') selectAt(item, position);
    else if (isSlice(item)) {
      checkSlice(item, op);
      view = V.slice(view, dim++, item.start, item.stop, item.step);
    } else if (item === '...') dim += x.ndim - specified;
    else if (item === null) view = V.unsqueeze(view, dim++);
    else if (typeof item === 'boolean') boolAt(item);
    else {
      const t = item as Tensor;
      if (t.ndim === 0 && t.dtype === 'int32') selectAt(Number(t.item()), position); // acts like a Python int: a view
      else if (t.ndim === 0 && t.dtype === 'bool') boolAt(Boolean(t.item()));
      else if (t.dtype !== 'int32' && t.dtype !== 'bool') {
        throw new IndexError(
          `tensors used as indices must be long, int, byte or bool tensors (${op} got a ${t.dtype} index of shape ${fmtShape(t.shape)}; convert it with .long() or build a mask with a comparison)`,
        );
      } else {
        record(t);
        if (t.dtype === 'bool') dim += t.ndim - 1; // a k-dim mask covers k dims
      }
    }
  }
  return { view, adv };
}

/** Python's slice rules that Kiln's `slice` view op does not repeat: step must be a positive integer. */
function checkSlice(s: Slice, op: string): void {
  if (s.step === 0) throw new ValueError(`${op}: slice step cannot be zero`);
  if (!Number.isInteger(s.step) || s.step < 0) {
    throw new ValueError(`step must be greater than zero (${op} got step ${s.step}; negative steps are not supported, as in PyTorch: use .flip(dim))`);
  }
  for (const v of [s.start, s.stop]) {
    if (v !== null && !Number.isInteger(v)) throw new IndexError(`${op}: slice indices must be integers or null, got ${v}`);
  }
}

/** The advanced part of an index, resolved: one int32 tensor per advanced dim, broadcast together. */
interface Advanced {
  dims: number[]; // dims of the sliced view that are indexed, ascending
  linear: Tensor; // linear index into those dims (row-major over them), shape `shape`
  shape: number[]; // broadcast shape of the index tensors
  adjacent: boolean; // advanced dims are consecutive: the result keeps them in place
}

/** Expands masks to int indices, broadcasts, checks bounds, and linearises (PyTorch's index/make_info). */
function resolveAdvanced(view: Tensor, adv: readonly (Tensor | undefined)[], op: string): Advanced | null {
  const dims: number[] = [];
  const idx: Tensor[] = [];
  for (let d = 0; d < adv.length; d++) {
    const t = adv[d];
    if (!t) continue;
    if (t.dtype === 'bool') {
      for (let j = 0; j < t.ndim; j++) {
        if (t.shape[j] !== view.shape[d + j]) {
          throw new IndexError(
            `The shape of the mask ${fmtShape(t.shape)} at index ${j} does not match the shape of the indexed tensor ${fmtShape(view.shape)} at index ${d + j}`,
          );
        }
      }
      const nz = I.nonzero(t); // [n, k]: one column per mask dim
      for (let j = 0; j < t.ndim; j++) {
        dims.push(d + j);
        idx.push(V.select(nz, 1, j));
      }
    } else {
      dims.push(d);
      idx.push(t);
    }
  }
  if (dims.length === 0) return null;
  const shape = broadcastIndices(idx);
  let linear: Tensor | null = null;
  dims.forEach((d, k) => {
    const size = view.shape[d]!;
    const t = idx[k]!;
    checkBounds(t, size, k);
    const wrapped = E.where(E.binary('lt', t, 0), E.add(t, size), t);
    linear = linear === null ? wrapped : E.add(E.mul(linear, size), wrapped);
  });
  const adjacent = dims.every((d, k) => k === 0 || d === dims[k - 1]! + 1);
  return { dims, linear: V.expand(linear!, shape), shape, adjacent };
}

/** Broadcast shape of the index tensors (PyTorch's IndexError wording when they do not fit). */
function broadcastIndices(idx: readonly Tensor[]): number[] {
  try {
    return broadcastShapes('index', ...idx.map((t) => t.shape));
  } catch {
    throw new IndexError(`shape mismatch: indexing tensors could not be broadcast together with shapes ${idx.map((t) => fmtShape(t.shape)).join(', ')}`);
  }
}

/** IndexError for an out-of-range entry; skipped on devices that cannot read synchronously (as gather does). */
function checkBounds(t: Tensor, size: number, dim: number): void {
  if (!t.storage.backend.readSync || t.numel() === 0) return;
  const data = t.dataSync();
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < -size || v >= size) throw new IndexError(`index ${v} is out of bounds for dimension ${dim} with size ${size}`);
  }
}

/**
 * The indexed view with its advanced dims moved to the front and flattened into one:
 * `[advSize, ...rest]`, so that the linear index selects (or scatters) whole rows.
 */
function advancedRows(view: Tensor, a: Advanced): { moved: Tensor; rows: Tensor; rest: number[] } {
  const others = [...Array(view.ndim).keys()].filter((d) => !a.dims.includes(d));
  const moved = V.permute(view, [...a.dims, ...others]);
  const rest = others.map((d) => view.shape[d]!);
  const advSize = numelOf(a.dims.map((d) => view.shape[d]!));
  return { moved, rows: V.reshape(moved, [advSize, ...rest]), rest };
}

/**
 * `x[indices]`: a view for basic indices only, a new tensor when advanced indices are present.
 * @throws IndexError for out-of-range integers, too many indices, bad index dtypes or mask shapes.
 */
export function getIndex(x: Tensor, indices: readonly Index[]): Tensor {
  const { view, adv } = applySlicing(x, indices, 'index');
  const a = resolveAdvanced(view, adv, 'index');
  // x[...] and x[()] are aliases of x: a view, never x itself (as in PyTorch).
  if (!a) return view === x ? V.expand(x, x.shape) : view;
  const { rows, rest } = advancedRows(view, a);
  const picked = I.indexSelect(rows, 0, V.reshape(a.linear, [-1]));
  const out = V.reshape(picked, [...a.shape, ...rest]);
  return a.adjacent ? moveFrontDims(out, a.shape.length, a.dims[0]!) : out;
}

/** Moves the first `count` dims of `t` to start at `at` (where adjacent advanced dims sat). */
function moveFrontDims(t: Tensor, count: number, at: number): Tensor {
  if (at === 0) return t;
  const all = [...Array(t.ndim).keys()];
  const front = all.slice(0, count);
  const rest = all.slice(count);
  return V.permute(t, [...rest.slice(0, at), ...front, ...rest.slice(at)]);
}

/** PyTorch strips leading size-1 dims of the value before broadcasting it (slicePrefix1sDims). */
function stripLeadingOnes(v: Tensor): Tensor {
  let k = 0;
  while (k < v.ndim && v.shape[k] === 1) k++;
  return k === 0 ? v : V.reshape(v, v.shape.slice(k));
}

/**
 * `x[indices] = value` in place (`accumulate: true` adds instead, summing duplicates).
 * Basic indexing writes through the view with `copy_`; advanced indexing scatters into a
 * flattened copy of the indexed dims and copies the result back through the view.
 */
export function setIndex(x: Tensor, indices: readonly Index[], value: TensorLike, accumulate: boolean): void {
  const { view, adv } = applySlicing(x, indices, 'indexPut_');
  // A JS number becomes a tensor of x's dtype, as Python numbers do in PyTorch's __setitem__.
  const v = isTensor(value) ? stripLeadingOnes(value) : scalarTensor(value, x.dtype, x.device);
  const a = resolveAdvanced(view, adv, 'indexPut_');
  if (!a) {
    checkValueShape(v, view.shape);
    if (accumulate) view.copy_(E.add(view, v));
    else view.copy_(v);
    return;
  }
  if (v.dtype !== x.dtype) {
    throw new DTypeError(
      `Index put requires the source and destination dtypes match, got ${x.dtype} for the destination and ${v.dtype} for the source (indexPut_; convert the value with .to('${x.dtype}'))`,
    );
  }
  const { moved, rows, rest } = advancedRows(view, a);
  // The value is laid out like the read result; bring it to [broadcast..., rest...] order.
  const at = a.dims[0]!;
  const resultShape = a.adjacent ? [...rest.slice(0, at), ...a.shape, ...rest.slice(at)] : [...a.shape, ...rest];
  let src = V.expand(v, checkValueShape(v, resultShape));
  if (a.adjacent && at > 0) src = moveDimsToFront(src, at, a.shape.length);
  const n = numelOf(a.shape);
  const srcRows = V.reshape(src, [n, ...rest]);
  const index = V.expand(V.reshape(a.linear, [n, ...rest.map(() => 1)]), [n, ...rest]);
  const updated = accumulate ? I.scatterAdd(rows, 0, index, srcRows) : I.scatter(rows, 0, index, srcRows);
  moved.copy_(V.reshape(updated, moved.shape));
}

/** The value must broadcast to the indexed shape (PyTorch's "shape mismatch" message). */
function checkValueShape(v: Tensor, target: readonly number[]): number[] {
  const ok = v.ndim <= target.length && v.shape.every((s, i) => s === 1 || s === target[target.length - v.ndim + i]);
  if (!ok) {
    throw new ShapeError(
      `shape mismatch: value tensor of shape ${fmtShape(v.shape)} cannot be broadcast to indexing result of shape ${fmtShape(target)}`,
    );
  }
  return [...target];
}

/** Moves `count` dims starting at `at` to the front (the inverse of {@link moveFrontDims}). */
function moveDimsToFront(t: Tensor, at: number, count: number): Tensor {
  const all = [...Array(t.ndim).keys()];
  return V.permute(t, [...all.slice(at, at + count), ...all.slice(0, at), ...all.slice(at + count)]);
}

