/**
 * Reductions (sum, mean, prod, max/min, argmax, var/std, norm, logsumexp, all/any) and scans
 * (cumsum, cumprod, cummax, cummin). Primitives: `sum prod amax amin argmax argmin` and the scans;
 * everything else is composed.
 * @packageDocumentation
 */
import type { ReduceOp, ScanOp } from '../backend/backend.js';
import { defineOp, dispatch, dispatch1 } from '../dispatch.js';
import { checkDType, isFloating, type DType } from '../dtype.js';
import { DTypeError, IndexError, ValueError, fmtShape } from '../errors.js';
import { normDim, normDims } from '../shape.js';
import { Tensor, isTensor, valuesIndices, type Dims, type ReduceOptions, type ValuesIndices } from '../tensor.js';
import { full } from './creation.js';
import * as E from './elementwise.js';

const PRIM: Record<string, ReduceOp> = { sum: 'sum', prod: 'prod', amax: 'max', amin: 'min', argmax: 'argmax', argmin: 'argmin' };

for (const [name, op] of Object.entries(PRIM)) {
  defineOp({
    name,
    nondifferentiable: op === 'argmax' || op === 'argmin',
    impl: ([x], a) => {
      const dims = a.dims as number[];
      const keepdim = a.keepdim as boolean;
      const outDtype = op === 'argmax' || op === 'argmin' ? 'int32' : x!.dtype;
      const reducedShape = x!.shape.filter((_, i) => !dims.includes(i));
      const h = x!.storage.backend.reduce(op, x!.operand(), dims, outDtype);
      const r = Tensor.fromHandle(h, outDtype, reducedShape, x!.device);
      if (!keepdim) return [r];
      const kept = x!.shape.map((s, i) => (dims.includes(i) ? 1 : s));
      return [r.withView({ shape: kept, strides: kept.map((_, i) => kept.slice(i + 1).reduce((p, c) => p * c, 1)), offset: 0 })];
    },
  });
}

for (const op of ['cumsum', 'cumprod', 'cummax', 'cummin'] as ScanOp[]) {
  defineOp({
    name: op,
    impl: ([x], a) => {
      const dim = a.dim as number;
      const dtype = (a.dtype as DType | undefined) ?? x!.dtype;
      const src = x!.dtype === dtype ? x! : x!.to(dtype);
      const r = src.storage.backend.scan(op, src.operand(), dim, dtype);
      const values = Tensor.fromHandle(r.values, dtype, x!.shape, x!.device);
      return r.indices ? [values, Tensor.fromHandle(r.indices, 'int32', x!.shape, x!.device)] : [values];
    },
  });
}

/** Splits PyTorch's `(dim?, {keepdim, dtype})` overloads. @internal */
export function reduceArgs<O extends object>(x: Tensor, dim: Dims | O, options: O | undefined, op: string): { dims: number[]; options: O; all: boolean } {
  let d: Dims;
  let o: O;
  if (dim !== null && typeof dim === 'object' && !Array.isArray(dim)) {
    o = dim as O;
    d = undefined;
  } else {
    d = dim as Dims;
    o = options ?? ({} as O);
  }
  if (d === undefined || d === null) return { dims: [...Array(x.ndim).keys()], options: o, all: true };
  const list = typeof d === 'number' ? [d] : [...d];
  if (list.length === 0) return { dims: [...Array(x.ndim).keys()], options: o, all: true };
  if (x.ndim === 0) {
    for (const v of list) normDim(v, 0, op);
    return { dims: [], options: o, all: false };
  }
  return { dims: normDims(list, x.ndim, op), options: o, all: false };
}

function sumDtype(x: Tensor, dtype?: DType): DType {
  if (dtype) return checkDType(dtype, 'sum');
  return x.dtype === 'bool' ? 'int32' : x.dtype;
}

/** torch.sum. */
export function sum(x: Tensor, dim?: Dims | ReduceOptions, options?: ReduceOptions): Tensor {
  const { dims, options: o } = reduceArgs<ReduceOptions>(x, dim, options, 'sum');
  const dtype = sumDtype(x, o.dtype);
  return dispatch1('sum', [x.dtype === dtype ? x : x.to(dtype)], { dims, keepdim: o.keepdim ?? false });
}

/** torch.nansum: NaN counts as zero. */
export function nansum(x: Tensor, dim?: Dims | ReduceOptions, options?: ReduceOptions): Tensor {
  if (!isFloating(x.dtype)) return sum(x, dim, options);
  return sum(E.where(x.isnan(), 0, x), dim, options);
}

/** torch.mean (floating dtypes only). */
export function mean(x: Tensor, dim?: Dims | ReduceOptions, options?: ReduceOptions): Tensor {
  const { dims, options: o } = reduceArgs<ReduceOptions>(x, dim, options, 'mean');
  const dtype = o.dtype ?? x.dtype;
  if (!isFloating(dtype)) {
    throw new DTypeError(
      `mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${x.dtype}. Use x.float().mean() or pass { dtype: 'float32' }.`,
    );
  }
  const n = dims.reduce((p, d) => p * x.shape[d]!, 1);
  const s = dispatch1('sum', [x.dtype === dtype ? x : x.to(dtype)], { dims, keepdim: o.keepdim ?? false });
  return E.div(s, n);
}

/** torch.prod over one dim or all. */
export function prod(x: Tensor, dim?: number | ReduceOptions, options?: ReduceOptions): Tensor {
  const { dims, options: o } = reduceArgs<ReduceOptions>(x, dim as Dims | ReduceOptions, options, 'prod');
  const dtype = sumDtype(x, o.dtype);
  return dispatch1('prod', [x.dtype === dtype ? x : x.to(dtype)], { dims, keepdim: o.keepdim ?? false });
}

/** IndexError when a max/min-like reduction would reduce over nothing (it has no identity). */
function checkNonEmpty(x: Tensor, dims: number[], op: string): void {
  if (x.numel() === 0 && (dims.length === x.ndim || dims.some((d) => x.shape[d] === 0))) {
    const which = dims.length === 1 ? `dim ${dims[0]}` : 'dims';
    throw new IndexError(
      `${op}(): Expected reduction ${which} to have non-zero size (input shape ${fmtShape(x.shape)}); an empty tensor has no ${op.includes('max') ? 'maximum' : 'minimum'}. ` +
        'Check for empty inputs first (x.numel() > 0).',
    );
  }
}

/** max()/min() of all elements, (dim) → values+indices, or (other) → elementwise. */
export function maxMin(kind: 'max' | 'min', x: Tensor, arg?: number | Tensor, options?: { keepdim?: boolean }): Tensor | ValuesIndices {
  if (isTensor(arg)) return E.binary(kind === 'max' ? 'maximum' : 'minimum', x, arg as Tensor);
  if (arg === undefined) {
    const dims = [...Array(x.ndim).keys()];
    checkNonEmpty(x, dims, kind);
    return dispatch1(kind === 'max' ? 'amax' : 'amin', [x], { dims, keepdim: false });
  }
  const d = x.ndim === 0 ? (normDim(arg, 0, kind), 0) : normDim(arg, x.ndim, kind);
  const dims = x.ndim === 0 ? [] : [d];
  checkNonEmpty(x, dims, kind);
  const keepdim = options?.keepdim ?? false;
  const values = dispatch1(kind === 'max' ? 'amax' : 'amin', [x], { dims, keepdim });
  const indices = dispatch1(kind === 'max' ? 'argmax' : 'argmin', [x], { dims, keepdim });
  return valuesIndices(values, indices);
}

/** amax/amin over several dims. */
export function amaxAmin(kind: 'max' | 'min', x: Tensor, dim?: Dims, options?: { keepdim?: boolean }): Tensor {
  const op = kind === 'max' ? 'amax' : 'amin';
  const { dims } = reduceArgs(x, dim, options, op);
  checkNonEmpty(x, dims, op);
  return dispatch1(kind === 'max' ? 'amax' : 'amin', [x], { dims, keepdim: options?.keepdim ?? false });
}

/** argmax/argmin; without dim, the index into the flattened tensor. */
export function argMaxMin(op: 'argmax' | 'argmin', x: Tensor, dim?: number | null, options?: { keepdim?: boolean }): Tensor {
  if (x.dtype === 'bool') throw new DTypeError(`${op}: "${op}_cpu" not implemented for 'bool'; convert first, e.g. x.int().${op}()`);
  if (dim === undefined || dim === null) {
    checkNonEmpty(x, [...Array(x.ndim).keys()], op);
    const r = dispatch1(op, [x.reshape([-1])], { dims: [0], keepdim: false });
    return options?.keepdim ? r.reshape(x.shape.map(() => 1)) : r;
  }
  const d = x.ndim === 0 ? (normDim(dim, 0, op), 0) : normDim(dim, x.ndim, op);
  checkNonEmpty(x, x.ndim === 0 ? [] : [d], op);
  return dispatch1(op, [x], { dims: x.ndim === 0 ? [] : [d], keepdim: options?.keepdim ?? false });
}

type VarOptions = { correction?: number; keepdim?: boolean; unbiased?: boolean };

/** var/std with `correction` (PyTorch ≥ 2.0 name; `unbiased` also accepted). */
export function variance(x: Tensor, dim: Dims | VarOptions, options: VarOptions | undefined, sqrt: boolean): Tensor {
  const { dims, options: o } = reduceArgs<VarOptions>(x, dim, options, sqrt ? 'std' : 'var');
  if (!isFloating(x.dtype)) throw new DTypeError(`${sqrt ? 'std' : 'var'}(): only supports floating-point dtypes, got ${x.dtype}`);
  const correction = o.correction ?? (o.unbiased === false ? 0 : 1);
  const n = dims.reduce((p, d) => p * x.shape[d]!, 1);
  const mu = mean(x, dims, { keepdim: true });
  const sq = E.unary('square', E.sub(x, mu));
  const v = E.div(sum(sq, dims, { keepdim: o.keepdim ?? false }), Math.max(0, n - correction));
  return sqrt ? E.unary('sqrt', v) : v;
}

/** Vector p-norm over dims (torch.norm / linalg.vector_norm semantics). */
export function norm(x: Tensor, p: number | 'fro', dim?: Dims, options?: { keepdim?: boolean }): Tensor {
  if (!isFloating(x.dtype)) throw new DTypeError(`norm(): input dtype should be floating point, but got ${x.dtype}`);
  const { dims } = reduceArgs(x, dim, options, 'norm');
  const keepdim = options?.keepdim ?? false;
  const pv = p === 'fro' ? 2 : p;
  const a = E.unary('abs', x);
  if (pv === Infinity) return dispatch1('amax', [a], { dims, keepdim });
  if (pv === -Infinity) return dispatch1('amin', [a], { dims, keepdim });
  if (pv === 0) return sum(E.binary('ne', x, 0).to(x.dtype), dims, { keepdim });
  if (pv === 1) return sum(a, dims, { keepdim });
  if (pv === 2) return E.unary('sqrt', sum(E.unary('square', x), dims, { keepdim }));
  return E.pow(sum(E.pow(a, pv), dims, { keepdim }), 1 / pv);
}

/** Stable log(sum(exp(x))) over dims. */
export function logsumexp(x: Tensor, dim: Dims, options?: { keepdim?: boolean }): Tensor {
  const xf = isFloating(x.dtype) ? x : x.to('float32');
  const { dims } = reduceArgs(xf, dim, options, 'logsumexp');
  const keepdim = options?.keepdim ?? false;
  // the max is a constant shift: detach it so the gradient is exactly softmax
  const m = dispatch1('amax', [xf.detach()], { dims, keepdim: true });
  const mSafe = E.where(E.unary('isinf', m), 0, m);
  const s = E.unary('log', sum(E.unary('exp', E.sub(xf, mSafe)), dims, { keepdim: true }));
  const r = E.add(s, mSafe);
  return keepdim ? r : r.squeeze(dims);
}

/** all/any over dims (bool result). */
export function allAny(kind: 'all' | 'any', x: Tensor, dim?: Dims, options?: { keepdim?: boolean }): Tensor {
  const { dims } = reduceArgs(x, dim, options, kind);
  const keepdim = options?.keepdim ?? false;
  if (x.numel() === 0) {
    // min/max of nothing is undefined, but all() of nothing is true and any() is false
    const shape = x.shape.flatMap((s, i) => (dims.includes(i) ? (keepdim ? [1] : []) : [s]));
    return full(shape, kind === 'all', { dtype: 'bool', device: x.device });
  }
  const b = x.dtype === 'bool' ? x : E.binary('ne', x, 0);
  return dispatch1(kind === 'all' ? 'amin' : 'amax', [b], { dims, keepdim });
}

/** cumsum/cumprod along dim. */
export function cumulative(op: 'cumsum' | 'cumprod', x: Tensor, dim: number, options?: { dtype?: DType }): Tensor {
  const d = x.ndim === 0 ? (normDim(dim, 0, op), 0) : normDim(dim, x.ndim, op);
  const dtype = options?.dtype ?? (x.dtype === 'bool' ? 'int32' : x.dtype);
  return dispatch1(op, [x], { dim: d, dtype });
}

/** cummax/cummin → values, indices. */
export function cumExtreme(op: 'cummax' | 'cummin', x: Tensor, dim: number): ValuesIndices {
  const d = x.ndim === 0 ? (normDim(dim, 0, op), 0) : normDim(dim, x.ndim, op);
  const [v, i] = dispatch(op, [x], { dim: d });
  if (!v || !i) throw new ValueError(`${op}: backend returned no indices`);
  return valuesIndices(v, i);
}
