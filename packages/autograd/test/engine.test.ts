import { describe, expect, it } from 'vitest';
import { AutogradError, ShapeError, inferenceMode, noGrad, ones, tensor, zeros, type Tensor } from '@kiln/tensor';
import { FREED_GRAPH_MESSAGE, backward, grad, type Node } from '@kiln/autograd';

const name = (t: Tensor) => (t.gradFn as Node | null)?.name() ?? null;

describe('backward()', () => {
  it('needs a gradient for non-scalar outputs, of the right shape', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(2);
    expect(() => y.backward()).toThrow(AutogradError);
    expect(() => y.backward()).toThrow(/^grad can be implicitly created only for scalar outputs/);
    expect(() => y.backward(ones(2))).toThrow(ShapeError);
    expect(() => y.backward(ones(2))).toThrow('Mismatch in shape: grad_output[0] has a shape of [2] and output[0] has a shape of [3].');
    y.backward(tensor([1, 0.5, 2]));
    expect(x.grad!.tolist()).toEqual([2, 1, 4]);
  });

  it('fails on tensors that do not require grad', () => {
    expect(() => ones(2).sum().backward()).toThrow('element 0 of tensors does not require grad and does not have a grad_fn');
  });

  it("frees saved tensors: a second backward throws PyTorch's message unless retainGraph", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.exp().sum();
    y.backward({ retainGraph: true });
    y.backward(null, { retainGraph: true });
    y.backward();
    expect(x.grad!.allclose(x.detach().exp().mul(3))).toBe(true);
    expect(() => y.backward()).toThrow(AutogradError);
    expect(() => y.backward()).toThrow(FREED_GRAPH_MESSAGE);
    expect(FREED_GRAPH_MESSAGE).toContain('Specify retainGraph: true');
    // a graph that saved nothing can be walked again, as in PyTorch
    const z = x.add(1).sum();
    z.backward();
    z.backward();
  });

  it('backward({inputs}) only accumulates into the given tensors, including non-leaves', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    const h = a.mul(b);
    const y = h.sum();
    y.backward(undefined, { inputs: [a], retainGraph: true });
    expect(a.grad!.tolist()).toEqual([3, 4]);
    expect(b.grad).toBeNull();
    backward(y, null, { inputs: h });
    expect(h.retainsGrad).toBe(false);
    expect(h.autograd && (h.autograd as { grad: Tensor }).grad.tolist()).toEqual([1, 1]);
    expect(() => y.backward(undefined, { inputs: [] })).toThrow("'inputs' argument to backward() cannot be empty.");
  });

  it('runs a 100,000-node chain without recursion', () => {
    const x = tensor([1], { requiresGrad: true });
    let y = x;
    for (let i = 0; i < 100_000; i++) y = y.add(1e-5);
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([1]);
  });

  it('exposes PyTorch node names and nextFunctions', () => {
    const w = tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const c = tensor([[1, 0], [0, 1]], { dtype: 'float32' });
    const y = w.mm(c);
    expect(name(y)).toBe('MmBackward0');
    const fns = (y.gradFn as Node).nextFunctions;
    expect(fns[0]![0]!.name()).toBe('AccumulateGrad');
    expect(fns[1]).toEqual([null, 0]);
    expect(name(y.sum())).toBe('SumBackward0');
    expect(name(y.sum(1))).toBe('SumBackward1');
    expect(name(y.t())).toBe('PermuteBackward0');
    expect(name(y.exp())).toBe('ExpBackward0');
    expect(String(y.gradFn)).toBe('<MmBackward0 object>');
    // the same leaf always has the same AccumulateGrad node
    expect((w.mul(2).gradFn as Node).nextFunctions[0]![0]).toBe(fns[0]![0]);
  });
});

describe('grad()', () => {
  it('returns gradients without touching .grad', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const [g] = grad(x.pow(2).sum(), x);
    expect(g!.tolist()).toEqual([2, 4, 6]);
    expect(x.grad).toBeNull();
  });

  it('takes gradOutputs (vector-Jacobian product)', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const [g] = grad(x.mul(3), [x], { gradOutputs: [tensor([1, 10], { dtype: 'float32' })] });
    expect(g!.tolist()).toEqual([3, 30]);
  });

  it('allowUnused and the errors PyTorch gives', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const u = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2).sum();
    expect(() => grad(y, [x, u], { retainGraph: true })).toThrow(
      'One of the differentiated Tensors appears to not have been used in the graph. Set allowUnused: true if this is the desired behavior.',
    );
    const [gx, gu] = grad(y, [x, u], { allowUnused: true });
    expect(gx!.tolist()).toEqual([2, 2]);
    expect(gu).toBeNull();
    expect(() => grad(x.sum(), [ones(2)])).toThrow('One of the differentiated Tensors does not require grad');
  });

  it('createGraph gives higher-order gradients: d²/dx² x³ = 6x', () => {
    const x = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    const y = x.pow(3).sum();
    const [g1] = grad(y, x, { createGraph: true });
    expect(g1!.tolist()).toEqual([3, 12, 27]);
    expect(g1!.requiresGrad).toBe(true);
    const [g2] = grad(g1!.sum(), x, { createGraph: true });
    expect(g2!.tolist()).toEqual([6, 12, 18]);
    const [g3] = grad(g2!.sum(), x);
    expect(g3!.tolist()).toEqual([6, 6, 6]);
  });

  it('backward with createGraph accumulates a differentiable .grad', () => {
    const x = tensor([2], { dtype: 'float64', requiresGrad: true });
    x.pow(3).sum().backward(undefined, { createGraph: true });
    const g = x.grad!;
    expect(g.tolist()).toEqual([12]);
    const [gg] = grad(g.sum(), x);
    expect(gg!.tolist()).toEqual([12]);
  });
});

describe('grad mode', () => {
  it('noGrad, inferenceMode and enableGrad control recording', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(noGrad(() => x.mul(2)).requiresGrad).toBe(false);
    expect(inferenceMode(() => x.mul(2)).requiresGrad).toBe(false);
    {
      using _ = noGrad();
      expect(x.mul(2).gradFn).toBeNull();
    }
    expect(x.mul(2).requiresGrad).toBe(true);
  });

  it('detach() shares storage outside the graph; detach_() makes a leaf', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    const d = y.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.storage).toBe(y.storage);
    y.detach_();
    expect(y.isLeaf).toBe(true);
    expect(y.requiresGrad).toBe(false);
  });

  it('requiresGrad flags of non-leaves cannot be cleared', () => {
    const y = tensor([1, 2], { requiresGrad: true }).mul(2);
    expect(() => y.requiresGrad_(false)).toThrow(/you can only change requires_grad flags of leaf variables/);
    expect(() => zeros(2, { dtype: 'int32' }).requiresGrad_()).toThrow(/only Tensors of floating point dtype can require gradients/);
  });
});

describe('inferenceMode', () => {
  it('creates inference tensors: not saved for backward, no in-place update outside the mode', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const t = inferenceMode(() => tensor([3, 4], { dtype: 'float32' }).mul(2));
    expect(t.requiresGrad).toBe(false);
    expect(() => w.mul(t)).toThrow('Inference tensors cannot be saved for backward. To work around you can make a clone to get a normal tensor and use it in autograd.');
    expect(w.add(t).requiresGrad).toBe(true); // add saves nothing, as in PyTorch
    expect(() => t.add_(1)).toThrow(/^Inplace update to inference tensor outside InferenceMode is not allowed/);
    expect(() => t.requiresGrad_()).toThrow('Setting requires_grad=True on inference tensor outside InferenceMode is not allowed.');
    const c = t.clone();
    expect(w.mul(c).sum().requiresGrad).toBe(true);
    inferenceMode(() => t.add_(1));
    expect(t.tolist()).toEqual([7, 9]);
  });
});

describe('gradient validation', () => {
  it('converts a given gradient to the output dtype (PyTorch: float64 gradient into float32 graph)', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.mul(2).backward(tensor([1, 1], { dtype: 'float64' }));
    expect(x.grad!.dtype).toBe('float32');
    expect(x.grad!.tolist()).toEqual([2, 2]);
  });
});
