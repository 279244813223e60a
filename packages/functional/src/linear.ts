/**
 * linear and bilinear layers as functions.
 * @packageDocumentation
 */
import { ShapeError, defineOp, dispatch1, fmtShape, type Tensor } from '@kiln/tensor';
import { checkFloat, tidyImpl } from './util.js';

/**
 * `linear` is an op of its own (for a 2-D weight) rather than `matmul(t(W)) + b`, so its backward
 * computes the weight gradient as `gᵀ·x`, which comes out [out, in] and contiguous like the weight.
 * Through `t()`, the gradient would arrive as a transposed view that `.grad` must copy into the
 * weight's layout; one op is also one autograd node instead of three. The gradient node is named
 * `LinearBackward0` (PyTorch shows `AddmmBackward0`/`MmBackward0`, the kernels it picked).
 */
defineOp({
  name: 'linear',
  impl: tidyImpl(([x, w, b]) => {
    const y = x!.matmul(w!.t());
    return [b ? y.add(b) : y];
  }),
  vjp: ({ inputs, gradOutputs, needsInputGrad }) => {
    const [x, w] = inputs as [Tensor, Tensor];
    const g = gradOutputs[0]!;
    const [out, inF] = w.shape as [number, number];
    const g2 = g.reshape([-1, out]);
    const gx = needsInputGrad[0] ? g.matmul(w) : null;
    const gw = needsInputGrad[1] ? g2.t().matmul(x.reshape([-1, inF])) : null;
    const grads = [gx, gw];
    if (inputs.length > 2) grads.push(needsInputGrad[2] ? g2.sum(0) : null);
    return grads;
  },
});

/** linear(x, W, b) = x Wᵀ + b, with `x` of shape [*, in], `W` [out, in] (or [in]), `b` [out]. */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  checkFloat('linear', input);
  const inF = weight.ndim === 1 ? weight.shape[0]! : weight.shape[1]!;
  if (weight.ndim > 2 || input.ndim === 0 || input.shape[input.ndim - 1] !== inF) {
    throw new ShapeError(
      `linear: expected input${fmtShape(input.shape)} to have ${inF} features in its last dim (weight ${fmtShape(weight.shape)} is [out_features, in_features]), ` +
        `but got ${input.ndim === 0 ? 'a 0-D input' : input.shape[input.ndim - 1]}; reshape or flatten the input (e.g. x.flatten(1))`,
    );
  }
  if (weight.ndim === 2 && (!bias || bias.ndim === 1)) return dispatch1('linear', bias ? [input, weight, bias] : [input, weight]);
  // a 1-D weight (a dot product per row) or an unusual bias shape: the plain composition
  const y = input.matmul(weight.ndim === 1 ? weight : weight.t());
  return bias ? y.add(bias) : y;
}

/** bilinear(x1, x2, W, b)_k = x1 W_k x2ᵀ + b_k, with W [out, in1, in2]; x1 [*, in1], x2 [*, in2]. */
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  checkFloat('bilinear', input1, 'input1');
  if (weight.ndim !== 3 || input1.shape[input1.ndim - 1] !== weight.shape[1] || input2.shape[input2.ndim - 1] !== weight.shape[2]) {
    throw new ShapeError(
      `bilinear: expected input1 [*, ${weight.shape[1]}] and input2 [*, ${weight.shape[2]}] for weight ${fmtShape(weight.shape)} ([out, in1, in2]), ` +
        `but got input1 ${fmtShape(input1.shape)} and input2 ${fmtShape(input2.shape)}`,
    );
  }
  if (input1.shape.slice(0, -1).join() !== input2.shape.slice(0, -1).join()) {
    throw new ShapeError(`bilinear: input1 ${fmtShape(input1.shape)} and input2 ${fmtShape(input2.shape)} must have the same leading (batch) dims`);
  }
  // [*, 1, 1, in1] @ [out, in1, in2] → [*, out, 1, in2]; then dot with x2 over in2
  const t = input1.unsqueeze(-2).unsqueeze(-2).matmul(weight).squeeze(-2);
  const y = t.mul(input2.unsqueeze(-2)).sum(-1);
  return bias ? y.add(bias) : y;
}
