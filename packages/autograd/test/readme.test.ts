import { describe, expect, it } from 'vitest';
import { tensor } from '@kiln/tensor';
import { grad } from '@kiln/autograd';

// the README example, line for line
describe('README example', () => {
  it('prints what the README says', () => {
    const a = tensor([2, 3], { requiresGrad: true });
    const b = tensor([6, 4], { requiresGrad: true });
    const Q = a.pow(3).mul(3).sub(b.pow(2));
    Q.backward(tensor([1, 1], { dtype: 'float32' }));
    expect(a.grad!.tolist()).toEqual([36, 81]);
    expect(b.grad!.tolist()).toEqual([-12, -8]);
    expect(Q.gradFn!.name()).toBe('SubBackward0');
    const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const [g1] = grad(x.pow(3).sum(), x, { createGraph: true });
    const [g2] = grad(g1!.sum(), x);
    expect(g2!.tolist()).toEqual([6, 12]);
  });
});
