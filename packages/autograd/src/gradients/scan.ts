/**
 * Gradients of the scans cumsum, cumprod, cummax, cummin.
 * @packageDocumentation
 */
import { arange, noGrad, where, zeros } from '@kiln/tensor';
import { defineGrad } from './registry.js';

// d(cumsum)/dx: each x_i feeds every later output, so the gradient is a reversed cumsum
defineGrad('cumsum', {
  name: 'CumsumBackward0',
  backward: (g, c) => {
    const d = c.attrs.dim as number;
    if (c.inputs[0]!.shape.length === 0) return [g.to(c.inputs[0]!.dtype)];
    return [g.flip(d).cumsum(d).flip(d).to(c.inputs[0]!.dtype)];
  },
});

/**
 * cumprod: grad_i = Σ_{j≥i} g_j · Π_{k≤j, k≠i} x_k. Without zeros in x this is the cheap
 * Σ_{j≥i} g_j · y_j / x_i (a reversed cumsum); with zeros (or when the data cannot be read
 * synchronously) the products are formed explicitly, O(n²) along the dim, so zeros are exact.
 */
defineGrad('cumprod', {
  name: 'CumprodBackward0',
  saveInputs: () => [0],
  saveOutputs: [0],
  backward: (g, c) => {
    const d = c.attrs.dim as number;
    const x = c.input(0), y = c.output(0);
    if (x.ndim === 0) return [g];
    const dtype = c.inputs[0]!.dtype;
    const hasZero = !x.storage.backend.readSync || (noGrad(() => x.eq(0).any().item()) as boolean);
    if (!hasZero) return [g.mul(y).flip(d).cumsum(d).flip(d).div(x).to(dtype)];
    const n = x.shape[d]!;
    const xt = x.transpose(d, -1); // [..., n]
    const rows = arange(n, { device: x.device }).reshape([n, 1]);
    const cols = arange(n, { device: x.device }).reshape([1, n]);
    // row i: x with x_i replaced by 1, so its cumprod at j ≥ i is Π_{k≤j, k≠i} x_k
    const withoutI = where(rows.eq(cols), 1, xt.unsqueeze(-2).expand([...xt.shape.slice(0, -1), n, n]));
    const terms = withoutI.cumprod(-1).mul(g.transpose(d, -1).unsqueeze(-2)).where(cols.ge(rows), 0);
    return [terms.sum(-1).transpose(d, -1).to(dtype)];
  },
});

// cummax/cummin: each output value came from one input element (its index)
for (const [op, name] of [['cummax', 'CummaxBackward0'], ['cummin', 'CumminBackward0']] as const) {
  defineGrad(op, {
    name,
    saveOutputs: [1],
    backward: (g, c) => {
      const info = c.inputs[0]!;
      if (info.shape.length === 0) return [g];
      const z = zeros(info.shape, { dtype: g.dtype, device: g.device });
      return [z.scatterAdd(c.attrs.dim as number, c.output(1), g)];
    },
  });
}
