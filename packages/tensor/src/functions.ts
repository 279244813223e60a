/**
 * torch.* function forms of Tensor methods (`torch.exp(x)` is `exp(x)`), so PyTorch code ports
 * line by line. Each forwards to the method of the same name.
 * @packageDocumentation
 */
import type { DType } from './dtype.js';
import type { Dims, ReduceOptions, Tensor, TensorLike, ValuesIndices } from './tensor.js';
import * as E from './ops/elementwise.js';
import * as L from './ops/linalg.js';
import * as S from './ops/shape-ops.js';

type U = (x: Tensor) => Tensor;
const u = (name: keyof Tensor): U => (x) => (x[name] as () => Tensor).call(x);

export const neg = u('neg'), abs = u('abs'), sign = u('sign'), sqrt = u('sqrt'), rsqrt = u('rsqrt'), square = u('square');
export const exp = u('exp'), exp2 = u('exp2'), log = u('log'), log2 = u('log2'), log10 = u('log10'), log1p = u('log1p'), expm1 = u('expm1');
export const sin = u('sin'), cos = u('cos'), tan = u('tan'), asin = u('asin'), acos = u('acos'), atan = u('atan');
export const sinh = u('sinh'), cosh = u('cosh'), tanh = u('tanh'), sigmoid = u('sigmoid'), relu = u('relu');
export const floor = u('floor'), ceil = u('ceil'), trunc = u('trunc'), frac = u('frac'), reciprocal = u('reciprocal');
export const erf = u('erf'), erfinv = u('erfinv'), isnan = u('isnan'), isinf = u('isinf'), isfinite = u('isfinite');
export const logicalNot = u('logicalNot'), bitwiseNot = u('bitwiseNot');
export const clone = u('clone'), t = u('t'), nonzero = u('nonzero');

/** torch.round. */
export const round = (x: Tensor, options: { decimals?: number } = {}): Tensor => x.round(options);
/** torch.add. */
export const add = (a: Tensor, b: TensorLike, options?: { alpha?: number }): Tensor => E.add(a, b, options);
/** torch.sub. */
export const sub = (a: Tensor, b: TensorLike, options?: { alpha?: number }): Tensor => E.sub(a, b, options);
/** torch.mul. */
export const mul = (a: TensorLike, b: TensorLike): Tensor => E.mul(a, b);
/** torch.div. */
export const div = (a: TensorLike, b: TensorLike, options?: { roundingMode?: 'trunc' | 'floor' | null }): Tensor => E.div(a, b, options);
/** torch.pow. */
export const pow = (a: TensorLike, b: TensorLike): Tensor => E.pow(a, b);
export const remainder = (a: TensorLike, b: TensorLike): Tensor => E.binary('remainder', a, b);
export const fmod = (a: TensorLike, b: TensorLike): Tensor => E.binary('fmod', a, b);
export const floorDivide = (a: TensorLike, b: TensorLike): Tensor => E.div(a, b, { roundingMode: 'floor' });
export const maximum = (a: Tensor, b: Tensor): Tensor => E.binary('maximum', a, b);
export const minimum = (a: Tensor, b: Tensor): Tensor => E.binary('minimum', a, b);
export const atan2 = (a: TensorLike, b: TensorLike): Tensor => E.binary('atan2', a, b);
export const eq = (a: TensorLike, b: TensorLike): Tensor => E.binary('eq', a, b);
export const ne = (a: TensorLike, b: TensorLike): Tensor => E.binary('ne', a, b);
export const lt = (a: TensorLike, b: TensorLike): Tensor => E.binary('lt', a, b);
export const le = (a: TensorLike, b: TensorLike): Tensor => E.binary('le', a, b);
export const gt = (a: TensorLike, b: TensorLike): Tensor => E.binary('gt', a, b);
export const ge = (a: TensorLike, b: TensorLike): Tensor => E.binary('ge', a, b);
export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor => E.binary('logicalAnd', a, b);
export const logicalOr = (a: TensorLike, b: TensorLike): Tensor => E.binary('logicalOr', a, b);
export const logicalXor = (a: TensorLike, b: TensorLike): Tensor => E.binary('logicalXor', a, b);
/** torch.where(cond, a, b). */
export const where = (cond: Tensor, a: TensorLike, b: TensorLike): Tensor => E.where(cond, a, b);
/** torch.clamp. */
export const clamp = (x: Tensor, min?: TensorLike | null | { min?: TensorLike | null; max?: TensorLike | null }, max?: TensorLike | null): Tensor => E.clamp(x, min, max);
export const clip = clamp;
export const isclose = (a: Tensor, b: Tensor, o: { rtol?: number; atol?: number; equalNan?: boolean } = {}): Tensor => E.isclose(a, b, o);
export const allclose = (a: Tensor, b: Tensor, o: { rtol?: number; atol?: number; equalNan?: boolean } = {}): boolean => E.allclose(a, b, o);
export const equal = (a: Tensor, b: Tensor): boolean => E.equal(a, b);

export const sum = (x: Tensor, dim?: Dims | ReduceOptions, o?: ReduceOptions): Tensor => x.sum(dim, o);
export const mean = (x: Tensor, dim?: Dims | ReduceOptions, o?: ReduceOptions): Tensor => x.mean(dim, o);
export const prod = (x: Tensor, dim?: number | ReduceOptions, o?: ReduceOptions): Tensor => x.prod(dim, o);
export const amax = (x: Tensor, dim?: Dims, o?: { keepdim?: boolean }): Tensor => x.amax(dim, o);
export const amin = (x: Tensor, dim?: Dims, o?: { keepdim?: boolean }): Tensor => x.amin(dim, o);
export const argmax = (x: Tensor, dim?: number | null, o?: { keepdim?: boolean }): Tensor => x.argmax(dim, o);
export const argmin = (x: Tensor, dim?: number | null, o?: { keepdim?: boolean }): Tensor => x.argmin(dim, o);
/** torch.max: all elements, along a dim (values/indices), or elementwise with another tensor. */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, o?: { keepdim?: boolean }): ValuesIndices;
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, a?: number | Tensor, o?: { keepdim?: boolean }): Tensor | ValuesIndices {
  return (x.max as (a?: number | Tensor, o?: { keepdim?: boolean }) => Tensor | ValuesIndices)(a, o);
}
/** torch.min. */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, o?: { keepdim?: boolean }): ValuesIndices;
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, a?: number | Tensor, o?: { keepdim?: boolean }): Tensor | ValuesIndices {
  return (x.min as (a?: number | Tensor, o?: { keepdim?: boolean }) => Tensor | ValuesIndices)(a, o);
}
export const std = (x: Tensor, dim?: Dims | { correction?: number; keepdim?: boolean }, o?: { correction?: number; keepdim?: boolean }): Tensor => x.std(dim, o);
const var_ = (x: Tensor, dim?: Dims | { correction?: number; keepdim?: boolean }, o?: { correction?: number; keepdim?: boolean }): Tensor => x.var(dim, o);
export const norm = (x: Tensor, p: number | 'fro' = 2, dim?: Dims, o?: { keepdim?: boolean }): Tensor => x.norm(p, dim, o);
export const logsumexp = (x: Tensor, dim: Dims, o?: { keepdim?: boolean }): Tensor => x.logsumexp(dim, o);
export const all = (x: Tensor, dim?: Dims, o?: { keepdim?: boolean }): Tensor => x.all(dim, o);
export const any = (x: Tensor, dim?: Dims, o?: { keepdim?: boolean }): Tensor => x.any(dim, o);
export const cumsum = (x: Tensor, dim: number, o?: { dtype?: DType }): Tensor => x.cumsum(dim, o);
export const cumprod = (x: Tensor, dim: number, o?: { dtype?: DType }): Tensor => x.cumprod(dim, o);
export const sort = (x: Tensor, dim = -1, o: { descending?: boolean; stable?: boolean } = {}): ValuesIndices => x.sort(dim, o);
export const argsort = (x: Tensor, dim = -1, o: { descending?: boolean; stable?: boolean } = {}): Tensor => x.argsort(dim, o);
export const topk = (x: Tensor, k: number, dim = -1, o: { largest?: boolean; sorted?: boolean } = {}): ValuesIndices => x.topk(k, dim, o);

export const matmul = (a: Tensor, b: Tensor): Tensor => L.matmul(a, b);
export const mm = (a: Tensor, b: Tensor): Tensor => L.mm(a, b);
export const bmm = (a: Tensor, b: Tensor): Tensor => L.bmm(a, b);
export const dot = (a: Tensor, b: Tensor): Tensor => L.dot(a, b);
export const mv = (a: Tensor, v: Tensor): Tensor => L.mv(a, v);
export const outer = (a: Tensor, b: Tensor): Tensor => L.outer(a, b);

export const reshape = (x: Tensor, shape: readonly number[]): Tensor => x.reshape(shape);
export const permute = (x: Tensor, dims: readonly number[]): Tensor => x.permute(dims);
export const transpose = (x: Tensor, d0: number, d1: number): Tensor => x.transpose(d0, d1);
export const squeeze = (x: Tensor, dim?: Dims): Tensor => x.squeeze(dim);
export const unsqueeze = (x: Tensor, dim: number): Tensor => x.unsqueeze(dim);
export const flatten = (x: Tensor, startDim = 0, endDim = -1): Tensor => x.flatten(startDim, endDim);
export const unflatten = (x: Tensor, dim: number, sizes: readonly number[]): Tensor => x.unflatten(dim, sizes);
export const narrow = (x: Tensor, dim: number, start: number, length: number): Tensor => x.narrow(dim, start, length);
export const flip = (x: Tensor, dims: readonly number[]): Tensor => x.flip(dims);
export const split = (x: Tensor, s: number | readonly number[], dim = 0): Tensor[] => x.split(s, dim);
export const chunk = (x: Tensor, chunks: number, dim = 0): Tensor[] => x.chunk(chunks, dim);
export const unbind = (x: Tensor, dim = 0): Tensor[] => x.unbind(dim);
export const asStrided = (x: Tensor, size: readonly number[], stride: readonly number[], offset?: number): Tensor => x.asStrided(size, stride, offset);
export const diagonal = (x: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor => x.diagonal(offset, dim1, dim2);
export const gather = (x: Tensor, dim: number, index: Tensor): Tensor => x.gather(dim, index);
export const scatter = (x: Tensor, dim: number, index: Tensor, src: TensorLike, o: { reduce?: 'add' } = {}): Tensor => x.scatter(dim, index, src, o);
export const scatterAdd = (x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor => x.scatterAdd(dim, index, src);
export const indexSelect = (x: Tensor, dim: number, index: Tensor): Tensor => x.indexSelect(dim, index);
export const maskedFill = (x: Tensor, mask: Tensor, value: TensorLike): Tensor => x.maskedFill(mask, value);
export const maskedSelect = (x: Tensor, mask: Tensor): Tensor => x.maskedSelect(mask);
export const tril = (x: Tensor, diagonal = 0): Tensor => S.tril(x, diagonal);
export const triu = (x: Tensor, diagonal = 0): Tensor => S.triu(x, diagonal);
export const roll = (x: Tensor, shifts: number | readonly number[], dims?: number | readonly number[]): Tensor => S.roll(x, shifts, dims);
export const repeatInterleave = (x: Tensor, repeats: number, dim?: number): Tensor => S.repeatInterleave(x, repeats, dim);
export const tile = (x: Tensor, dims: readonly number[]): Tensor => S.tile(x, dims);
/** torch.var (exported as `var`; a reserved word cannot be a local name). */
export { var_ as var };
