/**
 * Index-based ops: gather/scatter/scatterAdd (primitives), indexSelect, indexAdd, maskedFill,
 * maskedSelect, nonzero, sort/topk.
 * @packageDocumentation
 */
import { defineOp, dispatch, dispatch1 } from '../dispatch.js';
import { DTypeError, IndexError, ShapeError, fmtShape } from '../errors.js';
import { broadcastShapes, normDim } from '../shape.js';
import { Tensor, isTensor, valuesIndices, type TensorLike, type ValuesIndices } from '../tensor.js';
import { fromHost } from './creation.js';
import * as E from './elementwise.js';

defineOp({
  name: 'gather',
  impl: ([x, index], a) => {
    const h = x!.storage.backend.gather(x!.operand(), a.dim as number, index!.operand());
    return [Tensor.fromHandle(h, x!.dtype, index!.shape, x!.device)];
  },
});

for (const mode of ['assign', 'add'] as const) {
  defineOp({
    name: mode === 'assign' ? 'scatter' : 'scatterAdd',
    impl: ([x, index, src], a) => {
      const h = x!.storage.backend.scatter(x!.operand(), a.dim as number, index!.operand(), src!.operand(), mode);
      return [Tensor.fromHandle(h, x!.dtype, x!.shape, x!.device)];
    },
  });
}

defineOp({
  name: 'sort',
  impl: ([x], a) => {
    const r = x!.storage.backend.sort(x!.operand(), a.dim as number, a.descending as boolean, true);
    return [Tensor.fromHandle(r.values, x!.dtype, x!.shape, x!.device), Tensor.fromHandle(r.indices, 'int32', x!.shape, x!.device)];
  },
});

function checkIndex(op: string, x: Tensor, dim: number, index: Tensor, src?: Tensor): number {
  if (index.dtype !== 'int32') throw new DTypeError(`${op}(): Expected dtype int32 (PyTorch's int64) for index, got ${index.dtype}; convert with .int()`);
  const d = x.ndim === 0 ? (normDim(dim, 0, op), 0) : normDim(dim, x.ndim, op);
  if (index.ndim !== x.ndim && !(x.ndim === 0 && index.ndim <= 1)) {
    throw new ShapeError(`${op}(): Index tensor must have the same number of dimensions as ${src ? 'self' : 'input'} tensor (index ${fmtShape(index.shape)}, input ${fmtShape(x.shape)})`);
  }
  for (let i = 0; i < index.ndim; i++) {
    if (i !== d && index.shape[i]! > (x.shape[i] ?? 1)) {
      throw new ShapeError(`${op}(): Size does not match at dimension ${i} expected index ${fmtShape(index.shape)} to be smaller than self ${fmtShape(x.shape)} apart from dimension ${d}`);
    }
    if (src && index.shape[i]! > (src.shape[i] ?? 1)) {
      throw new ShapeError(`${op}(): Expected index ${fmtShape(index.shape)} to be smaller than src ${fmtShape(src.shape)} at dimension ${i}`);
    }
  }
  if (index.device.type === 'cpu' && index.numel() > 0) {
    const n = x.ndim === 0 ? 1 : x.shape[d]!;
    const data = index.dataSync();
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v < 0 || v >= n) {
        throw new IndexError(`${op}(): index ${v} is out of bounds for dimension ${d} with size ${n} (input shape ${fmtShape(x.shape)}); indices must be in [0, ${n})`);
      }
    }
  }
  return d;
}

/** torch.gather; `op` names the public op in errors (indexSelect is a gather underneath). */
export function gather(x: Tensor, dim: number, index: Tensor, op = 'gather'): Tensor {
  const d = checkIndex(op, x, dim, index);
  return dispatch1('gather', [x, index], { dim: d });
}

/** torch.scatter (src tensor or scalar; `reduce: 'add'`). */
export function scatter(x: Tensor, dim: number, index: Tensor, src: TensorLike, options: { reduce?: 'add' } = {}, op = 'scatter'): Tensor {
  const s = isTensor(src) ? (src as Tensor) : E.operandAs(src, x.dtype, x).expand(index.shape);
  const d = checkIndex(op, x, dim, index, s);
  const sv = s.dtype === x.dtype ? s : s.to(x.dtype);
  return dispatch1(options.reduce === 'add' ? 'scatterAdd' : 'scatter', [x, index, sv], { dim: d });
}

/** torch.scatter_add. */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor, op = 'scatterAdd'): Tensor {
  return scatter(x, dim, index, src, { reduce: 'add' }, op);
}

function indexShapeFor(x: Tensor, d: number, index: Tensor): number[] {
  return x.shape.map((s, i) => (i === d ? index.numel() : s));
}

function checkIndexVector(op: string, x: Tensor, d: number, index: Tensor): void {
  if (index.ndim > 1) throw new IndexError(`${op}(): Index is supposed to be a vector, got shape ${fmtShape(index.shape)}`);
  if (index.dtype !== 'int32') throw new DTypeError(`${op}(): Expected dtype int32 for index, got ${index.dtype}`);
}

/** torch.index_select (negative indices are not allowed, as in PyTorch). */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  const d = x.ndim === 0 ? 0 : normDim(dim, x.ndim, 'indexSelect');
  checkIndexVector('indexSelect', x, d, index);
  if (x.ndim === 0) return gather(x.reshape([1]), 0, index.reshape([-1]), 'indexSelect').reshape(index.ndim === 0 ? [] : [index.numel()]);
  const shape = indexShapeFor(x, d, index);
  const view = x.shape.map((_, i) => (i === d ? index.numel() : 1));
  const idx = index.reshape(view).expand(shape);
  return gather(x, d, idx, 'indexSelect');
}

/** torch.index_add (out of place). */
export function indexAdd(x: Tensor, dim: number, index: Tensor, source: Tensor, alpha: number): Tensor {
  const d = normDim(dim, x.ndim, 'indexAdd');
  checkIndexVector('indexAdd', x, d, index);
  const shape = indexShapeFor(x, d, index);
  if (source.shape.some((s, i) => s !== shape[i]) || source.ndim !== x.ndim) {
    throw new ShapeError(`indexAdd(): source ${fmtShape(source.shape)} must have shape ${fmtShape(shape)} (self with dim ${d} of size index.numel())`);
  }
  const idx = index.reshape(x.shape.map((_, i) => (i === d ? index.numel() : 1))).expand(shape);
  return scatterAdd(x, d, idx, alpha === 1 ? source : E.mul(source, alpha), 'indexAdd');
}

/** maskedFill: value where mask (broadcast) is true. */
export function maskedFill(x: Tensor, mask: Tensor, value: TensorLike): Tensor {
  if (mask.dtype !== 'bool') throw new DTypeError(`maskedFill: expected mask dtype to be Bool but got ${mask.dtype}; build it with a comparison such as x.lt(0)`);
  if (isTensor(value) && (value as Tensor).ndim !== 0) {
    throw new ShapeError(`maskedFill only supports a 0-dimensional value tensor, but got tensor with ${(value as Tensor).ndim} dimension(s)`);
  }
  broadcastShapes('maskedFill', x.shape, mask.shape);
  const v = E.operandAs(value, x.dtype, x);
  const r = E.where(mask, v, x);
  if (r.ndim !== x.ndim || r.shape.some((s, i) => s !== x.shape[i])) {
    throw new ShapeError(`maskedFill: mask ${fmtShape(mask.shape)} would grow self ${fmtShape(x.shape)}; the mask must broadcast to self's shape`);
  }
  return r;
}

/** Indices of non-zero elements as [n, ndim] int32 (data-dependent shape: reads the data). */
export function nonzero(x: Tensor): Tensor {
  const data = x.contiguous().dataSync();
  const shape = x.shape;
  const nd = shape.length;
  const rows: number[] = [];
  const idx = new Array<number>(nd).fill(0);
  for (let i = 0; i < data.length; i++) {
    if (data[i] !== 0) rows.push(...idx); // NaN counts as non-zero
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  const n = nd === 0 ? (data[0] !== 0 ? 1 : 0) : rows.length / nd;
  return fromHost(Int32Array.from(rows), 'int32', [n, nd], x.device);
}

/** 1-D tensor of elements where the (broadcast) mask is true. */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  if (mask.dtype !== 'bool') throw new DTypeError(`maskedSelect: expected BoolTensor for mask, got ${mask.dtype}`);
  const shape = broadcastShapes('maskedSelect', x.shape, mask.shape);
  const xb = x.expand(shape);
  const flatMask = mask.expand(shape).reshape([-1]);
  const pos = nonzero(flatMask).reshape([-1]);
  return gather(xb.reshape([-1]), 0, pos, 'maskedSelect');
}

/** torch.sort → values, indices. */
export function sort(x: Tensor, dim: number, descending: boolean): ValuesIndices {
  const d = x.ndim === 0 ? (normDim(dim, 0, 'sort'), 0) : normDim(dim, x.ndim, 'sort');
  const [v, i] = dispatch('sort', [x], { dim: d, descending });
  return valuesIndices(v!, i!);
}

/** torch.topk (sorted results). */
export function topk(x: Tensor, k: number, dim: number, largest: boolean): ValuesIndices {
  const d = x.ndim === 0 ? 0 : normDim(dim, x.ndim, 'topk');
  const n = x.ndim === 0 ? 1 : x.shape[d]!;
  if (!Number.isInteger(k) || k < 0 || k > n) throw new IndexError(`topk(): selected index k out of range (k=${k}, size of dim ${d} is ${n})`);
  const s = sort(x, d, largest);
  if (x.ndim === 0) return s;
  return valuesIndices(s.values.narrow(d, 0, k), s.indices.narrow(d, 0, k));
}
