/**
 * Gradients of the reduction primitives: sum, prod, amax, amin (argmax/argmin are not
 * differentiable). The output gradient is re-expanded over the reduced dims.
 * @packageDocumentation
 */
import { cat, ones, type Tensor } from '@kiln/tensor';
import { defineGrad, type GradContext } from './registry.js';

const dimsOf = (c: GradContext) => c.attrs.dims as number[];

/** The output gradient with the reduced dims put back as size 1 (undoes keepdim: false). */
function keepDims(g: Tensor, c: GradContext): Tensor {
  if (c.attrs.keepdim) return g;
  const shape = c.inputs[0]!.shape.map((s, i) => (dimsOf(c).includes(i) ? 1 : s));
  return g.reshape(shape);
}

const allDims = (a: Readonly<Record<string, unknown>>, i: readonly { shape: number[] }[]) => !a.keepdim && (a.dims as number[]).length === i[0]!.shape.length;

defineGrad('sum', {
  name: (a, i) => (allDims(a, i) ? 'SumBackward0' : 'SumBackward1'),
  backward: (g, c) => [keepDims(g, c).expand(c.inputs[0]!.shape)],
});

// amax/amin: the gradient is shared evenly by all elements equal to the extreme (PyTorch)
for (const [op, name] of [['amax', 'AmaxBackward0'], ['amin', 'AminBackward0']] as const) {
  defineGrad(op, {
    name,
    saveInputs: () => [0],
    saveOutputs: [0],
    backward: (g, c) => {
      const x = c.input(0);
      const y = keepDims(c.output(0), c);
      const mask = x.eq(y).to(g.dtype);
      const count = mask.sum(dimsOf(c), { keepdim: true });
      return [keepDims(g, c).div(count).mul(mask)];
    },
  });
}

/**
 * prod: the gradient of x_i is the product of all other elements, computed as exclusive
 * cumulative products from the left and from the right, so zeros in x are handled exactly
 * (no division by x) and the rule stays differentiable.
 */
defineGrad('prod', {
  name: (a, i) => (allDims(a, i) ? 'ProdBackward0' : 'ProdBackward1'),
  saveInputs: () => [0],
  backward: (g, c) => {
    const x0 = c.input(0);
    const dims = dimsOf(c);
    const shape = c.inputs[0]!.shape;
    const gk = keepDims(g, c);
    if (x0.numel() === 0) return [gk.expand(shape)];
    // reduce over several dims (prod of everything): flatten them into one
    const x = dims.length === 1 ? x0 : x0.reshape([-1]);
    const d = dims.length === 1 ? dims[0]! : 0;
    const n = x.shape[d]!;
    const onesSlice = ones(x.shape.map((s, i) => (i === d ? 1 : s)), { dtype: x.dtype, device: x.device });
    const exclusive = (t: Tensor) => (n === 1 ? onesSlice : cat([onesSlice, t.narrow(d, 0, n - 1).cumprod(d)], d));
    const others = exclusive(x).mul(exclusive(x.flip(d)).flip(d));
    const r = dims.length === 1 ? gk.mul(others) : gk.reshape([1]).mul(others).reshape(shape);
    return [r];
  },
});
