import { describe, expect, it } from 'vitest';
import { AutogradError, tensor, type Tensor } from '@kiln/tensor';
import { Function, FunctionCtx, FREED_GRAPH_MESSAGE, detectAnomaly, gradcheck, setDetectAnomaly, type Node } from '@kiln/autograd';

const name = (t: Tensor) => (t.gradFn as Node | null)?.name() ?? null;

describe('tensor hooks', () => {
  it('a leaf hook sees and may replace the gradient; remove() unregisters it', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const seen: number[][] = [];
    const h = x.registerHook((g) => {
      seen.push(g.tolist() as number[]);
      return g.mul(10);
    });
    x.mul(3).sum().backward();
    expect(seen).toEqual([[3, 3]]);
    expect(x.grad!.tolist()).toEqual([30, 30]);
    h.remove();
    x.mul(3).sum().backward();
    expect(x.grad!.tolist()).toEqual([33, 33]);
  });

  it('a non-leaf hook changes what flows further; retainGrad keeps the (hooked) gradient', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    y.retainGrad();
    y.registerHook((g) => g.mul(-1));
    y.sum().backward();
    expect(y.grad!.tolist()).toEqual([-1, -1]);
    expect(x.grad!.tolist()).toEqual([-2, -2]);
    expect(y.retainsGrad).toBe(true);
  });

  it('node hooks: gradFn.registerPrehook / registerHook (PyTorch Node hooks)', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(3);
    const seen: number[][] = [];
    const pre = (y.gradFn as Node).registerPrehook((gs) => [gs[0]!.mul(2)]);
    (y.gradFn as Node).registerHook((gradInputs, gradOutputs) => {
      seen.push(gradOutputs[0]!.tolist() as number[], gradInputs[0]!.tolist() as number[]);
    });
    y.sum().backward();
    expect(seen).toEqual([[2, 2], [6, 6]]);
    expect(x.grad!.tolist()).toEqual([6, 6]);
    pre.remove();
  });

  it('hooks need requiresGrad', () => {
    expect(() => tensor([1.5]).registerHook(() => {})).toThrow("cannot register a hook on a tensor that doesn't require gradient");
    expect(() => tensor([1.5]).retainGrad()).toThrow(AutogradError);
  });
});

class Exp extends Function {
  static override forward(ctx: FunctionCtx, x: Tensor): Tensor {
    const y = x.exp();
    ctx.saveForBackward(y);
    return y;
  }
  static override backward(ctx: FunctionCtx, g: Tensor): Tensor {
    const [y] = ctx.savedTensors;
    return g.mul(y!);
  }
}

class MulConst extends Function {
  static override forward(ctx: FunctionCtx, x: Tensor, k: number): Tensor {
    ctx.k = k;
    return x.mul(k);
  }
  static override backward(ctx: FunctionCtx, g: Tensor): (Tensor | null)[] {
    return [g.mul(ctx.k as number), null];
  }
}

class AddOneInPlace extends Function {
  static override forward(ctx: FunctionCtx, x: Tensor): Tensor {
    x.add_(1);
    ctx.markDirty(x);
    return x;
  }
  static override backward(_ctx: FunctionCtx, g: Tensor): Tensor {
    return g;
  }
}


describe('Function', () => {
  it('custom forward/backward with saved tensors, named <Class>Backward', () => {
    const x = tensor([0, 1], { dtype: 'float64', requiresGrad: true });
    const y = Exp.apply(x);
    expect(name(y)).toBe('ExpBackward');
    y.sum().backward();
    expect(x.grad!.allclose(x.detach().exp())).toBe(true);
    expect(gradcheck((a) => Exp.apply(a).mul(a), [x])).toBe(true);
    expect(() => y.sum().backward()).toThrow(FREED_GRAPH_MESSAGE);
  });

  it('non-tensor arguments get null gradients; needsInputGrad; ctx fields', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    let needs: boolean[] = [];
    class Spy extends Function {
      static override forward(ctx: FunctionCtx, a: Tensor, b: Tensor): Tensor {
        needs = ctx.needsInputGrad;
        return a.mul(b);
      }
      static override backward(_ctx: FunctionCtx, g: Tensor): (Tensor | null)[] {
        return [g, null];
      }
    }
    Spy.apply(x, tensor([3, 4], { dtype: 'float32' })).sum().backward();
    expect(needs).toEqual([true, false]);
    MulConst.apply(x, 5).sum().backward();
    expect(x.grad!.tolist()).toEqual([6, 6]);
  });

  it('markDirty rebases the modified input; a leaf cannot be dirtied', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(1);
    const z = AddOneInPlace.apply(y);
    expect(z).toBe(y);
    expect(name(y)).toBe('AddOneInPlaceBackward');
    z.mul(2).sum().backward();
    expect(x.grad!.tolist()).toEqual([2, 2]);
    expect(() => AddOneInPlace.apply(x)).toThrow('a leaf Variable that requires grad is being used in an in-place operation.');
  });

  it('markNonDifferentiable outputs do not require grad; wrong gradient counts are reported', () => {
    const x = tensor([3, 1, 2], { requiresGrad: true });
    class Sort extends Function {
      static override forward(ctx: FunctionCtx, a: Tensor): Tensor[] {
        const { values, indices } = a.sort();
        ctx.markNonDifferentiable(indices);
        return [values, indices];
      }
      static override backward(): (Tensor | null)[] {
        return [null, null, null];
      }
    }
    const [v, i] = Sort.apply(x);
    expect(v!.requiresGrad).toBe(true);
    expect(i!.requiresGrad).toBe(false);
    class Bad extends Function {
      static override forward(_ctx: FunctionCtx, a: Tensor, b: Tensor): Tensor {
        return a.add(b);
      }
      static override backward(_ctx: FunctionCtx, g: Tensor): Tensor {
        return g;
      }
    }
    expect(() => Bad.apply(x, x).sum().backward()).toThrow('function BadBackward returned an incorrect number of gradients (expected 2, got 1)');
    class BadShape extends Function {
      static override forward(_ctx: FunctionCtx, a: Tensor): Tensor {
        return a.sum();
      }
      static override backward(): Tensor {
        return tensor([1, 2], { dtype: 'float32' });
      }
    }
    expect(() => BadShape.apply(x).backward()).toThrow('Function BadShapeBackward returned an invalid gradient at index 0 - got [2] but expected shape compatible with [3]');
  });
});

describe('anomaly detection', () => {
  it('names the forward op whose backward produced NaN', () => {
    const x = tensor([0, 1], { requiresGrad: true });
    const run = () => x.log().mul(0).sum().backward();
    run(); // without anomaly mode: NaN silently
    expect(Number.isNaN((x.grad!.tolist() as number[])[0]!)).toBe(true);
    expect(() => detectAnomaly(run)).toThrow("Function 'LogBackward0' returned nan values in its 0th output. The forward op was 'log'");
    const g = setDetectAnomaly(true);
    expect(run).toThrow(AutogradError);
    g.exit();
    expect(run).not.toThrow();
  });
});

