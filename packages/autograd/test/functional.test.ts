import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '@kiln/tensor';
import { hessian, jacobian } from '@kiln/autograd';

// values from torch.autograd.functional (PyTorch 1.13) for the same functions
describe('torch.autograd.functional', () => {
  it('jacobian has shape [...output, ...input]', () => {
    const x = tensor([[1, 2], [3, 4]], { dtype: 'float64' });
    const j = jacobian((a) => a.pow(2).sum(0), x) as Tensor;
    expect(j.tolist()).toEqual([[[2, 0], [6, 0]], [[0, 4], [0, 8]]]);
    expect(x.requiresGrad).toBe(false); // differentiated w.r.t. a fresh leaf
  });

  it('jacobian of several inputs, zero for unused ones', () => {
    const [ja, jb] = jacobian((a, _b) => a.mul(3), [tensor([1, 2], { dtype: 'float64' }), tensor([5], { dtype: 'float64' })]) as Tensor[];
    expect(ja!.tolist()).toEqual([[3, 0], [0, 3]]);
    expect(jb!.tolist()).toEqual([[0], [0]]);
  });

  it('hessian', () => {
    const h = hessian((a) => a.pow(3).sum().mul(a.select(0, 0)), tensor([1, 2], { dtype: 'float64' })) as Tensor;
    expect(h.tolist()).toEqual([[12, 12], [12, 12]]);
  });
});
