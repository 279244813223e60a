/**
 * The Kiln side of tools/fixtures/autograd_ops.py: the same case names computing the same
 * functions, so fixture tests and gradcheck cover every differentiable op.
 */
import { arange, cat, einsum, fromTypedArray, padConstant, pow, stack, tensor, where, type Tensor } from '@kiln/tensor';

const f64 = (n: number) => arange(n, { dtype: 'float64' });
const IDX = tensor([[0, 2, 1, 2], [1, 0, 0, 2]], { dtype: 'int32' });
const SCATTER_IDX = tensor([[0, 2], [1, 0]], { dtype: 'int32' });

type Fn = (...x: Tensor[]) => Tensor;

export const OP_CASES: Record<string, Fn> = {
  neg: (x) => x.neg(),
  abs: (x) => x.abs(),
  sqrt: (x) => x.sqrt(),
  rsqrt: (x) => x.rsqrt(),
  square: (x) => x.square(),
  exp: (x) => x.exp(),
  exp2: (x) => x.exp2(),
  expm1: (x) => x.expm1(),
  log: (x) => x.log(),
  log2: (x) => x.log2(),
  log10: (x) => x.log10(),
  log1p: (x) => x.log1p(),
  sin: (x) => x.sin(),
  cos: (x) => x.cos(),
  tan: (x) => x.tan(),
  asin: (x) => x.asin(),
  acos: (x) => x.acos(),
  atan: (x) => x.atan(),
  sinh: (x) => x.sinh(),
  cosh: (x) => x.cosh(),
  tanh: (x) => x.tanh(),
  sigmoid: (x) => x.sigmoid(),
  relu: (x) => x.relu(),
  reciprocal: (x) => x.reciprocal(),
  erf: (x) => x.erf(),
  erfinv: (x) => x.erfinv(),
  frac: (x) => x.frac(),
  add_broadcast: (a, b) => a.add(b),
  add_alpha: (a, b) => a.add(b, { alpha: 2.5 }),
  sub_broadcast: (a, b) => a.sub(b),
  mul_broadcast: (a, b) => a.mul(b),
  mul_scalar: (a) => a.mul(3.5),
  div: (a, b) => a.div(b),
  rsub_scalar: (a) => a.rsub(2),
  pow_tensor: (a, b) => a.pow(b),
  pow_scalar: (a) => a.pow(2.5),
  scalar_pow: (a) => pow(2, a),
  maximum: (a, b) => a.maximum(b),
  minimum: (a, b) => a.minimum(b),
  remainder: (a, b) => a.remainder(b),
  fmod: (a, b) => a.fmod(b),
  atan2: (a, b) => a.atan2(b),
  where: (a, b) => where(a.gt(0), a, b),
  clamp: (x) => x.clamp(-0.5, 0.7),
  lerp: (a, b) => a.lerp(b, 0.3),
  addcmul: (a, b, c) => a.addcmul(b, c, { value: 0.5 }),
  cast_roundtrip: (x) => x.float().double().mul(2),
  contiguous_transposed: (x) => x.t().contiguous().mul(2),
  clone: (x) => x.clone().mul(x),
  sum_all: (x) => x.sum(),
  sum_dim_keepdim: (x) => x.sum([0, 2], { keepdim: true }),
  mean_dim: (x) => x.mean(1),
  prod_dim: (x) => x.prod(1),
  prod_all: (x) => x.prod(),
  amax_dim: (x) => x.amax(1),
  amin_dims: (x) => x.amin([0, 2]),
  max_all: (x) => x.max(),
  max_dim_values: (x) => x.max(1).values,
  var: (x) => x.var(1),
  std_all: (x) => x.std(),
  norm: (x) => x.norm(),
  norm_p3_dim: (x) => x.norm(3, 1),
  logsumexp: (x) => x.logsumexp(1),
  cumsum: (x) => x.cumsum(1),
  cumprod: (x) => x.cumprod(1),
  cumprod_with_zeros: (x) => x.mul(tensor([1, 0, 1, 0], { dtype: 'float64' })).cumprod(1),
  cummax: (x) => x.cummax(1).values,
  cummin: (x) => x.cummin(0).values,
  mm: (a, b) => a.mm(b),
  matmul_batched_broadcast: (a, b) => a.matmul(b),
  matmul_vec: (a, b) => a.matmul(b),
  dot: (a, b) => a.dot(b),
  outer: (a, b) => a.outer(b),
  einsum_bij_bjk: (a, b) => einsum('bij,bjk->bik', a, b),
  gather: (x) => x.gather(1, IDX),
  scatter: (x, s) => x.scatter(1, SCATTER_IDX, s),
  scatter_add: (x, s) => x.scatterAdd(1, IDX, s),
  sort: (x) => x.sort(1).values,
  sort_descending: (x) => x.sort(0, { descending: true }).values,
  topk: (x) => x.topk(2, 1).values,
  index_select: (x) => x.indexSelect(0, tensor([3, 0, 3], { dtype: 'int32' })),
  masked_fill: (x) => x.maskedFill(x.gt(0.3), 0.5),
  cat: (a, b) => cat([a, b], 1),
  stack: (a, b) => stack([a, b], 1),
  view: (x) => x.view(3, 2).mul(2),
  reshape_noncontig: (x) => x.t().reshape(6).mul(2),
  permute: (x) => x.permute(2, 0, 1).exp(),
  transpose_exp: (x) => x.t().exp(),
  expand: (x) => x.expand(3, 4).mul(1.5),
  slice_step: (x) => x.slice(1, 1, 6, 2).mul(2),
  select: (x) => x.select(0, 1).mul(3),
  narrow: (x) => x.narrow(0, 1, 2).exp(),
  squeeze: (x) => x.squeeze(1).mul(2),
  unsqueeze: (x) => x.unsqueeze(1).mul(2),
  flip: (x) => x.flip(1).mul(f64(3)),
  diagonal: (x) => x.diagonal(1).mul(2),
  unfold_overlap: (x) => x.unfold(0, 3, 2).mul(f64(3)),
  as_strided_overlap: (x) => x.asStrided([3, 3], [1, 1]).mul(f64(3)),
  split: (x) => x.split(2)[1]!.mul(2),
  chunk_exp: (x) => x.chunk(3)[2]!.exp(),
  repeat: (x) => x.repeat(2, 1).mul(f64(6).reshape([1, 6]).t().slice(0, 0, 4)),
  roll: (x) => x.roll(1, 1).mul(f64(3)),
  tril: (x) => x.tril().mul(2),
  pad_constant: (x) => padConstant(x, [1, 2]).mul(f64(6)),
};

/** A fixture tensor (NaN/Inf encoded as strings). */
export interface Packed {
  shape: number[];
  data: (number | string)[];
}

/** One case of autograd_ops.json. */
export interface FixtureCase {
  inputs: Packed[];
  gradOutput: Packed;
  output: Packed;
  grads: (Packed | null)[];
}

/** Decodes a fixture tensor as float64. */
export function unpack(p: Packed): Tensor {
  const data = Float64Array.from(p.data, (v) => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number)));
  return fromTypedArray(data, p.shape);
}
