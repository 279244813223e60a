import { describe, expect, it, vi } from 'vitest';
import { noGrad, ones, randn, tensor, zeros, manualSeed, type Tensor } from '@kiln/tensor';
import { Node, NON_LEAF_GRAD_WARNING } from '@kiln/autograd';

const name = (t: Tensor) => (t.gradFn as Node | null)?.name() ?? null;

describe('seed tutorials', () => {
  it('z = w·x + b: gradFn names, nextFunctions, isLeaf', () => {
    const x = ones(5);
    const y = zeros(3);
    const w = randn([5, 3], { requiresGrad: true });
    const b = randn(3, { requiresGrad: true });
    const z = x.matmul(w).add(b);
    expect(name(z)).toBe('AddBackward0');
    expect(w.isLeaf).toBe(true);
    expect(z.isLeaf).toBe(false);
    expect(w.gradFn).toBeNull();
    const loss = z.sub(y).square().mean();
    loss.backward();
    const [wg, bg] = [w.grad!, b.grad!];
    expect(wg.shape).toEqual([5, 3]);
    // d/dw mean((xw+b-y)^2) = x^T · 2(z-y)/3 ; d/db = 2(z-y)/3
    const dz = z.detach().sub(y).mul(2 / 3);
    expect(bg.allclose(dz)).toBe(true);
    expect(wg.allclose(x.reshape([5, 1]).matmul(dz.reshape([1, 3])))).toBe(true);
    const fns = (z.gradFn as Node).nextFunctions;
    expect(fns.length).toBe(2);
    expect(fns[1]![0]!.name()).toBe('AccumulateGrad');
  });

  it('y = (m+n)(m-n): m.grad = 4, n.grad = -6', () => {
    const m = tensor(2.0, { requiresGrad: true });
    const n = tensor(3.0, { requiresGrad: true });
    const y = m.add(n).mul(m.sub(n));
    expect(name(y)).toBe('MulBackward0');
    y.backward();
    expect(m.grad!.item()).toBe(4);
    expect(n.grad!.item()).toBe(-6);
    expect([m.isLeaf, n.isLeaf, y.isLeaf]).toEqual([true, true, false]);
  });

  it('Q = 3a³ − b² with external_grad [1, 1]', () => {
    const a = tensor([2, 3], { requiresGrad: true });
    const b = tensor([6, 4], { requiresGrad: true });
    const Q = a.pow(3).mul(3).sub(b.pow(2));
    Q.backward(tensor([1, 1], { dtype: 'float32' }));
    expect(a.grad!.tolist()).toEqual([36, 81]);
    expect(b.grad!.tolist()).toEqual([-12, -8]);
    expect(a.grad!.equal(a.detach().square().mul(9))).toBe(true);
  });

  it('gradients accumulate; non-leaf .grad warns once and is null', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    for (let i = 0; i < 2; i++) x.mul(2).sum().backward();
    expect(x.grad!.tolist()).toEqual([4, 4, 4]);
    const y = x.mul(2);
    expect(y.grad).toBeNull();
    expect(y.grad).toBeNull();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toContain(NON_LEAF_GRAD_WARNING);
    warn.mockRestore();
  });

  it('noGrad updates keep identity; rebinding outside noGrad makes a non-leaf (the seed pitfall)', () => {
    manualSeed(0);
    let w = randn([3], { requiresGrad: true });
    const w0 = w;
    w.mul(w).sum().backward();
    noGrad(() => {
      w.sub_(w.grad!.mul(0.1));
      w.grad!.zero_();
    });
    expect(w).toBe(w0);
    expect(w.isLeaf && w.requiresGrad).toBe(true);
    w = w.sub(1); // outside noGrad: a computed tensor
    expect(w.isLeaf).toBe(false);
    expect(w.requiresGrad).toBe(true);
    const v = noGrad(() => w0.sub(1)); // inside noGrad: a plain tensor
    expect(v.isLeaf).toBe(true);
    expect(v.requiresGrad).toBe(false);
  });

  it('60-minute blitz: out = mean(3(x+2)²) → x.grad = 4.5; vector-Jacobian product; noGrad; detach', () => {
    const x = ones([2, 2], { requiresGrad: true });
    const y = x.add(2);
    expect(name(y)).toBe('AddBackward0');
    const z = y.mul(y).mul(3);
    expect(name(z)).toBe('MulBackward0');
    const out = z.mean();
    expect(out.item()).toBe(27);
    out.backward();
    expect(x.grad!.tolist()).toEqual([[4.5, 4.5], [4.5, 4.5]]);

    const a0 = randn([2, 2]);
    const a = a0.mul(3).div(a0.sub(1));
    expect(a.requiresGrad).toBe(false);
    a.requiresGrad_(true);
    expect(a.requiresGrad).toBe(true);
    expect(name(a.mul(a).sum())).toBe('SumBackward0');

    const v0 = tensor([0.5, -1, 2], { requiresGrad: true });
    let w = v0.mul(2);
    while ((w.detach().norm().item() as number) < 1000) w = w.mul(2);
    w.backward(tensor([0.1, 1.0, 0.0001], { dtype: 'float32' }));
    const scale = (w.detach().div(v0.detach()).tolist() as number[])[0]!; // 2^k
    expect(v0.grad!.allclose(tensor([0.1, 1.0, 0.0001], { dtype: 'float32' }).mul(scale))).toBe(true);

    expect(v0.requiresGrad).toBe(true);
    expect(v0.pow(2).requiresGrad).toBe(true);
    expect(noGrad(() => v0.pow(2).requiresGrad)).toBe(false);
    const d = v0.detach();
    expect(d.requiresGrad).toBe(false);
    expect(v0.eq(d).all().item()).toBe(true);
  });
});
