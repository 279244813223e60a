import { describe, expect, it } from 'vitest';
import { AutogradError, noGrad, tensor, zeros, type Tensor } from '@kiln/tensor';
import '@kiln/autograd';
import { gradcheck, gradgradcheck, type Node } from '@kiln/autograd';

const name = (t: Tensor) => (t.gradFn as Node | null)?.name() ?? null;

describe('in-place ops under autograd', () => {
  it('on a leaf that requires grad: PyTorch\'s error, but allowed inside noGrad (identity kept)', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    expect(() => w.add_(1)).toThrow(AutogradError);
    expect(() => w.add_(1)).toThrow('a leaf Variable that requires grad is being used in an in-place operation.');
    expect(() => w.zero_()).toThrow('a leaf Variable that requires grad is being used in an in-place operation.');
    noGrad(() => w.mul_(3));
    expect(w.tolist()).toEqual([3, 6]);
    expect(w.isLeaf).toBe(true);
  });

  it('on a non-leaf: history is rebased onto the in-place op (MulBackward0 as in PyTorch)', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = x.add(1);
    y.mul_(tensor([2, 3, 4], { dtype: 'float32' }));
    expect(name(y)).toBe('MulBackward0');
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([2, 3, 4]);
  });

  it('copy_ with broadcasting records CopyBackwards and reduces the gradient to the source shape', () => {
    const w = tensor([5], { requiresGrad: true });
    const y = zeros([2, 3]);
    y.copy_(w);
    expect(name(y)).toBe('CopyBackwards');
    expect(y.requiresGrad).toBe(true);
    y.mul(tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float32' })).sum().backward();
    expect(w.grad!.tolist()).toEqual([21]);
  });

  it('fill_ on a non-leaf cuts the gradient to the old value', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    y.fill_(7);
    expect(name(y)).toBe('FillBackward2');
    y.sum().backward();
    expect(x.grad).toBeNull();
  });

  it('detects a saved tensor modified in place, with PyTorch\'s message', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = x.exp();
    const z = y.sum();
    y.add_(1);
    expect(() => z.backward()).toThrow(
      'one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [3]], which is output 0 of ExpBackward0, is at version 1; expected version 0 instead. Hint: enable anomaly detection',
    );
    const a = tensor([1, 2], { requiresGrad: true });
    const c = tensor([3, 4], { dtype: 'float64' });
    const d = a.double().mul(c).sum();
    c.mul_(2);
    expect(() => d.backward()).toThrow('[torch.DoubleTensor [2]] is at version 1; expected version 0 instead.');
  });

  it('writing through a view rebases the base (CopySlices)', () => {
    const w = tensor([2, 3], { requiresGrad: true });
    const x = zeros(4);
    x.narrow(0, 1, 2).copy_(w.mul(10));
    expect(name(x)).toBe('CopySlices');
    expect(x.requiresGrad).toBe(true);
    x.mul(tensor([1, 2, 3, 4], { dtype: 'float32' })).sum().backward();
    expect(w.grad!.tolist()).toEqual([20, 30]);
  });

  it('writing through a view of a non-leaf keeps the untouched part of the gradient', () => {
    const a = tensor([1, 2, 3, 4], { requiresGrad: true });
    const b = a.mul(1);
    const s = tensor([7], { requiresGrad: true });
    b.select(0, 2).copy_(s.squeeze().mul(2));
    b.mul(tensor([1, 10, 100, 1000], { dtype: 'float32' })).sum().backward();
    expect(a.grad!.tolist()).toEqual([1, 10, 0, 1000]);
    expect(s.grad!.tolist()).toEqual([200]);
  });

  it('a view of a leaf that requires grad cannot be modified in place', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    expect(() => w.narrow(0, 0, 1).mul_(2)).toThrow('a view of a leaf Variable that requires grad is being used in an in-place operation.');
  });
});

describe('in-place ops whose out-of-place form saved the old value', () => {
  it('a.mul_(b) with b requiring grad: b gets the old a (PyTorch 1.13: x.grad = b, b.grad = x)', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    const a = x.mul(1);
    a.mul_(b);
    a.sum().backward();
    expect(x.grad!.tolist()).toEqual([3, 4]);
    expect(b.grad!.tolist()).toEqual([1, 2]);
  });

  it('a.add_(b) shows AddBackward0 with PyTorch\'s nextFunctions', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    const a = x.mul(1);
    a.add_(b);
    const fns = (a.gradFn as Node).nextFunctions.map(([n, i]) => [n?.name() ?? null, i]);
    expect(fns).toEqual([['MulBackward0', 0], ['AccumulateGrad', 0]]);
  });
});

describe('gradcheck through in-place ops', () => {
  const f64 = (v: number[]) => tensor(v, { dtype: 'float64', requiresGrad: true });

  it('mul_ / add_ on a non-leaf', () => {
    const f = (x: Tensor, b: Tensor) => {
      const a = x.mul(1);
      a.mul_(b);
      a.add_(x.square());
      return a;
    };
    expect(gradcheck(f, [f64([0.5, -1.2, 2]), f64([1.5, 0.3, -0.7])])).toBe(true);
    expect(gradgradcheck(f, [f64([0.5, -1.2, 2]), f64([1.5, 0.3, -0.7])])).toBe(true);
  });

  it('copy_ through a strided view (CopySlices)', () => {
    const f = (w: Tensor, s: Tensor) => {
      const b = w.mul(w);
      b.slice(0, 0, 4, 2).copy_(s.exp());
      return b.mul(w);
    };
    expect(gradcheck(f, [f64([0.5, -1.2, 2, 0.1]), f64([0.3, -0.4])])).toBe(true);
    expect(gradgradcheck(f, [f64([0.5, -1.2, 2, 0.1]), f64([0.3, -0.4])])).toBe(true);
  });

  it('copy_ with broadcasting into a fresh tensor', () => {
    const f = (s: Tensor) => {
      const y = zeros([2, 3], { dtype: 'float64' });
      y.copy_(s);
      return y.mul(y);
    };
    expect(gradcheck(f, [f64([0.5, -1.2, 2])])).toBe(true);
  });
});

describe('asStrided beyond the input', () => {
  it('drops gradient for storage positions the input does not cover (as PyTorch does)', () => {
    const base = tensor([1, 2, 3, 4, 5, 6], { dtype: 'float64' });
    const x = base.narrow(0, 1, 3).requiresGrad_(); // a leaf over storage [1, 4)
    // windows starting at storage 0: reach outside x on both sides
    const y = x.asStrided([2, 3], [2, 1], 0);
    y.backward(tensor([[1, 1, 1], [1, 1, 1]], { dtype: 'float64' }));
    expect(x.grad!.tolist()).toEqual([1, 2, 1]);
  });
});

describe('views after an in-place write to their base', () => {
  it('a view taken before base.mul_() follows the new history (PyTorch regenerates it)', () => {
    const a = tensor([1, 2, 3], { requiresGrad: true });
    const b = a.mul(1);
    const v = b.narrow(0, 0, 2);
    b.mul_(2);
    expect(v.gradFn!.name()).toBe('AsStridedBackward0');
    v.sum().backward();
    expect(a.grad!.tolist()).toEqual([2, 2, 0]);
  });

  it('a view of a plain tensor starts requiring grad once the base is written with a differentiable value', () => {
    const w = tensor([5, 6], { requiresGrad: true });
    const x = zeros(4);
    const head = x.narrow(0, 0, 2);
    const tail = x.narrow(0, 2, 2);
    tail.copy_(w.mul(3));
    expect(head.requiresGrad).toBe(true); // as in PyTorch: it is now a view of a tensor with history
    head.add(tail).sum().backward();
    expect(w.grad!.tolist()).toEqual([3, 3]);
  });

  it('gradcheck: views taken before a write through another view', () => {
    const f = (p: Tensor, q: Tensor) => {
      const b = p.mul(p);
      const v1 = b.slice(0, 0, 2);
      b.slice(0, 1, 3).copy_(q.exp());
      return b.mul(v1.sum());
    };
    const p = tensor([0.5, -1.2, 2], { dtype: 'float64', requiresGrad: true });
    const q = tensor([0.3, -0.4], { dtype: 'float64', requiresGrad: true });
    expect(gradcheck((x: Tensor, y: Tensor) => f(x, y), [p, q])).toBe(true);
    expect(gradgradcheck((x: Tensor, y: Tensor) => f(x, y), [p, q])).toBe(true);
    // PyTorch 1.13: p.grad = [3.8700, 0, 0], q.grad = [5.2240, 1.0724] for a gradient of ones
    f(p, q).backward(tensor([1, 1, 1], { dtype: 'float64' }));
    expect((p.grad!.tolist() as number[]).map((v) => +v.toFixed(4))).toEqual([3.87, 0, 0]);
    expect((q.grad!.tolist() as number[]).map((v) => +v.toFixed(4))).toEqual([5.224, 1.0724]);
  });
});
