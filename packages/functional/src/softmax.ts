/**
 * softmax, logSoftmax, softmin. softmax and logSoftmax are ops of their own (`defineOp`) with a
 * gradient rule, so a backend can override them with a fused kernel and autograd does not need
 * to differentiate through the max-shift/exp/sum decomposition.
 * @packageDocumentation
 */
import { defineOp, dispatch1, type DType, type Tensor } from '@kiln/tensor';
import { checkFloat, tidyImpl } from './util.js';

/** Options of softmax-like functions: PyTorch's `dtype` casts the input before the op. */
export interface SoftmaxOptions {
  dtype?: DType;
}

defineOp({
  name: 'softmax',
  impl: tidyImpl(([x], a) => {
    const dim = a.dim as number;
    // subtracting the max makes exp() unable to overflow; it cancels in the ratio
    const e = x!.sub(x!.amax(dim, { keepdim: true })).exp();
    return [e.div(e.sum(dim, { keepdim: true }))];
  }),
  // dx = y * (dy - sum(dy * y))
  vjp: ({ outputs, gradOutputs, attrs }) => {
    const y = outputs[0]!, g = gradOutputs[0]!;
    const dim = attrs.dim as number;
    return [y.mul(g.sub(g.mul(y).sum(dim, { keepdim: true })))];
  },
});

defineOp({
  name: 'logSoftmax',
  impl: tidyImpl(([x], a) => {
    const dim = a.dim as number;
    const shifted = x!.sub(x!.amax(dim, { keepdim: true }));
    return [shifted.sub(shifted.exp().sum(dim, { keepdim: true }).log())];
  }),
  // dx = dy - softmax(x) * sum(dy)
  vjp: ({ outputs, gradOutputs, attrs }) => {
    const y = outputs[0]!, g = gradOutputs[0]!;
    const dim = attrs.dim as number;
    return [g.sub(y.exp().mul(g.sum(dim, { keepdim: true })))];
  },
});

/** PyTorch's legacy implicit dim (`_get_softmax_dim`) when `dim` is omitted: 0 for 0-, 1- and 3-D inputs, else 1. */
function softmaxDim(fn: string, x: Tensor, dim: number | null | undefined): number {
  const d = dim ?? (x.ndim === 0 || x.ndim === 1 || x.ndim === 3 ? 0 : 1);
  // normalises and range-checks through size()
  if (x.ndim === 0) {
    if (d !== 0 && d !== -1) x.size(d);
    return 0;
  }
  x.size(d);
  return d < 0 ? d + x.ndim : d;
}

function run(op: 'softmax' | 'logSoftmax', fn: string, input: Tensor, dim: number | null | undefined, options: SoftmaxOptions, negate = false): Tensor {
  checkFloat(fn, input);
  let x = options.dtype && options.dtype !== input.dtype ? input.to(options.dtype) : input;
  if (negate) x = x.neg();
  const d = softmaxDim(fn, x, dim);
  if (x.ndim === 0) return dispatch1(op, [x.reshape([1])], { dim: 0 }).reshape([]);
  return dispatch1(op, [x], { dim: d });
}

/** softmax(x)_i = exp(x_i) / sum_j exp(x_j) along `dim` (numerically stable). */
export function softmax(input: Tensor, dim?: number | null, options: SoftmaxOptions = {}): Tensor {
  return run('softmax', 'softmax', input, dim, options);
}

/** log(softmax(x)) along `dim`, computed as `x - max - log(sum(exp(x - max)))`. */
export function logSoftmax(input: Tensor, dim?: number | null, options: SoftmaxOptions = {}): Tensor {
  return run('logSoftmax', 'logSoftmax', input, dim, options);
}

/** softmin(x) = softmax(-x) along `dim`. */
export function softmin(input: Tensor, dim?: number | null, options: SoftmaxOptions = {}): Tensor {
  return run('softmax', 'softmin', input, dim, options, true);
}
