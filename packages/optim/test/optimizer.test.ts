/** The Optimizer base: parameter groups, errors, zeroGrad, step(closure), state-dict round trips. */
import { describe, expect, it } from 'vitest';
import { autogradHooks, installAutogradHooks, isGradEnabled, noGrad, tensor, ValueError, zeros, type DType, type Tensor } from '@kiln/tensor';
import { Adagrad, Adam, AdamW, SGD, RMSprop, NAdam, type Optimizer, type Params } from '../src/index.js';
import * as optim from '../src/index.js';
import { fixture } from './helpers.js';

const p = (v: number[], dtype: DType = 'float64') => tensor(v, { dtype });

describe('parameter groups', () => {
  it('fills defaults into each group and keeps per-group options', () => {
    const a = p([1, 2]);
    const b = p([3]);
    const opt = new SGD([{ params: [a] }, { params: b, lr: 0.5, momentum: 0.9 }], { lr: 0.1, weightDecay: 0.01 });
    expect(opt.paramGroups.length).toBe(2);
    expect(opt.paramGroups[0]).toMatchObject({ lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0.01, nesterov: false, maximize: false });
    expect(opt.paramGroups[0]!.params[0]).toBe(a);
    expect(opt.paramGroups[1]).toMatchObject({ lr: 0.5, momentum: 0.9, weightDecay: 0.01 });
    expect(opt.paramGroups[1]!.params).toEqual([b]);
    expect(opt.defaults.lr).toBe(0.1);
  });

  it('a plain list of tensors becomes one group; addParamGroup appends another', () => {
    const a = p([1]);
    const opt = new Adam([a]);
    expect(opt.paramGroups[0]).toMatchObject({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false });
    const b = p([2]);
    opt.addParamGroup({ params: [b], lr: 0.1 });
    expect(opt.paramGroups[1]).toMatchObject({ lr: 0.1, betas: [0.9, 0.999] });
    b.grad = p([1]);
    opt.step();
    // Adam's first step moves by lr * sign(g) (up to eps).
    expect(b.item()).toBeCloseTo(1.9, 6);
  });

  it('rejects a parameter given twice, across or within groups', () => {
    const a = p([1]);
    expect(() => new SGD([{ params: [a] }, { params: [a] }], { lr: 0.1 })).toThrow(
      /SGD: some parameters appear in more than one parameter group/,
    );
    const opt = new SGD([a], { lr: 0.1 });
    expect(() => opt.addParamGroup({ params: [a] })).toThrow(ValueError);
    expect(() => new SGD([a, a], { lr: 0.1 })).toThrow(/duplicate parameters/);
  });

  it("rejects a non-leaf tensor: can't optimize a non-leaf Tensor", () => {
    // Without @kiln/autograd every tensor is a leaf, so stand in for autograd's isLeaf hook.
    const nonLeaf = p([1]);
    const saved = autogradHooks();
    installAutogradHooks({ ...saved, isLeaf: (t) => t !== nonLeaf });
    try {
      expect(() => new Adam([nonLeaf])).toThrow(/Adam: can't optimize a non-leaf Tensor/);
      installAutogradHooks({ ...saved, isLeaf: (t) => t !== nonLeaf, retainsGrad: (t) => t === nonLeaf });
      expect(() => new Adam([nonLeaf])).not.toThrow(); // PyTorch accepts non-leaves that retain grad
    } finally {
      installAutogradHooks(saved);
    }
  });

  it('rejects bad params arguments with PyTorch wording', () => {
    expect(() => new SGD([], { lr: 0.1 })).toThrow(/optimizer got an empty parameter list/);
    expect(() => new SGD(p([1]) as unknown as Params, { lr: 0.1 })).toThrow(/should be an iterable of Tensors or dicts, but got Tensor/);
    expect(() => new SGD([1 as unknown as Tensor], { lr: 0.1 })).toThrow(/optimizer can only optimize Tensors, but one of the params is number/);
    expect(() => new SGD({ params: new Set([p([1])]) } as unknown as Params, { lr: 0.1 })).toThrow(ValueError);
    expect(() => new SGD([{ params: new Set([p([1])]) }], { lr: 0.1 })).toThrow(/ordered collections/);
    expect(() => new SGD([p([1])], { lr: 0.1 }).addParamGroup({ lr: 1 } as unknown as { params: Tensor[] })).toThrow(/has no 'params' key/);
  });

  it('validates hyper-parameters with PyTorch messages', () => {
    const a = p([1]);
    expect(() => new SGD([a], { lr: -1 })).toThrow(/SGD: Invalid learning rate: -1/);
    expect(() => new SGD([a], { lr: undefined as unknown as number })).toThrow(/didn't specify a value of required optimization parameter lr/);
    expect(() => new SGD([a], { lr: 0.1, momentum: -0.5 })).toThrow(/Invalid momentum value: -0.5/);
    expect(() => new SGD([a], { lr: 0.1, nesterov: true })).toThrow(/Nesterov momentum requires a momentum and zero dampening/);
    expect(() => new Adam([a], { betas: [1, 0.999] })).toThrow(/Invalid beta parameter at index 0: 1/);
    expect(() => new Adam([a], { betas: [0.9, -0.1] })).toThrow(/Invalid beta parameter at index 1: -0.1/);
    expect(() => new AdamW([a], { eps: -1 })).toThrow(/Invalid epsilon value: -1/);
    expect(() => new Adam([a], { weightDecay: -1 })).toThrow(/Invalid weight_decay value: -1/);
    expect(() => new Adagrad([a], { lrDecay: -1 })).toThrow(/Invalid lr_decay value: -1/);
    expect(() => new RMSprop([a], { alpha: -1 })).toThrow(/Invalid alpha value: -1/);
    expect(() => new NAdam([a], { momentumDecay: -1 })).toThrow(/Invalid momentum_decay value: -1/);
    expect(() => new optim.Adadelta([a], { rho: 1.5 })).toThrow(/Invalid rho value: 1.5/);
    // Per-group options are checked too.
    expect(() => new SGD([{ params: [a], lr: -2 }], { lr: 0.1 })).toThrow(/Invalid learning rate: -2/);
  });
});

describe('zeroGrad', () => {
  it('sets grads to null by default (PyTorch 2 default) and zeros them with setToNone: false', () => {
    const a = p([1, 2]);
    const opt = new SGD([a], { lr: 0.1 });
    a.grad = p([3, 4]);
    const g = a.grad;
    opt.zeroGrad({ setToNone: false });
    expect(a.grad).toBe(g);
    expect(a.grad!.tolist()).toEqual([0, 0]);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
    opt.zeroGrad(); // no grad: nothing to do
    expect(a.grad).toBeNull();
  });

  it('a zeroed gradient still steps (weight decay applies) but a null one is skipped, as in PyTorch', () => {
    const a = p([1]);
    const opt = new SGD([a], { lr: 0.1, weightDecay: 1 });
    opt.step();
    expect(a.item()).toBe(1);
    a.grad = p([0]);
    opt.step();
    expect(a.item()).toBeCloseTo(0.9, 12);
  });
});

describe('step', () => {
  it('returns the closure loss, runs the closure with grad enabled and the update without', () => {
    const a = p([1]);
    const opt = new SGD([a], { lr: 0.5 });
    let enabledInClosure: boolean | null = null;
    const loss = noGrad(() =>
      opt.step(() => {
        enabledInClosure = isGradEnabled();
        a.grad = p([2]);
        return 42;
      }),
    );
    expect(loss).toBe(42);
    expect(enabledInClosure).toBe(true);
    expect(a.item()).toBe(0);
    expect(opt.step()).toBeUndefined();
    expect(() => opt.step(async () => 1)).toThrow(/the closure returned a Promise/);
    expect(isGradEnabled()).toBe(true);
  });

  it('updates in place: the parameter object and its storage are kept', () => {
    const a = p([1, 2, 3]);
    const storage = a.storage;
    const version = storage.version;
    const opt = new Adam([a], { lr: 0.1 });
    a.grad = p([1, -1, 1]);
    opt.step();
    expect(opt.paramGroups[0]!.params[0]).toBe(a);
    expect(a.storage).toBe(storage);
    expect(a.storage.version).toBeGreaterThan(version);
    expect(a.dataSync()[0]).toBeCloseTo(0.9, 6);
  });
});

interface Case {
  name: string;
  optimizer: string;
  dtype: DType;
  options: Record<string, unknown>;
  groups: (Record<string, unknown> & { params: number[] })[] | null;
}
const fx = fixture<{ shapes: number[][]; init: number[][]; grads: number[][][]; cases: Case[] }>('optimizers.json');
type Ctor = new (params: Params, options: Record<string, unknown>) => Optimizer;

function build(c: Case): { params: Tensor[]; opt: Optimizer } {
  const params = fx.init.map((v, i) => tensor(v, { dtype: c.dtype }).reshape(fx.shapes[i]!));
  const spec = c.groups ? c.groups.map((g) => ({ ...g, params: g.params.map((i) => params[i]!) })) : params;
  return { params, opt: new (optim as unknown as Record<string, Ctor>)[c.optimizer]!(spec as Params, c.options) };
}
function run(c: Case, params: Tensor[], opt: Optimizer, from: number, to: number): void {
  for (let s = from; s < to; s++) {
    params.forEach((q, i) => (q.grad = tensor(fx.grads[s]![i]!, { dtype: c.dtype }).reshape(q.shape)));
    opt.step();
  }
}

describe('stateDict / loadStateDict', () => {
  it('has PyTorch structure: state by parameter index, groups with options and param indices', () => {
    const a = p([1, 2]);
    const b = p([3]);
    const opt = new Adam([{ params: [a] }, { params: [b], lr: 0.1 }], { amsgrad: true });
    a.grad = p([1, 1]);
    opt.step();
    const sd = opt.stateDict();
    expect(Object.keys(sd.state)).toEqual(['0']);
    expect(Object.keys(sd.state[0]!).sort()).toEqual(['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq', 'step']);
    expect(sd.state[0]!.step).toBe(1);
    expect(sd.param_groups).toEqual([
      { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: true, maximize: false, params: [0] },
      { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: true, maximize: false, params: [1] },
    ]);
    // Saved tensors are copies: later steps do not change them.
    const saved = (sd.state[0]!.exp_avg as Tensor).tolist();
    opt.step();
    expect((sd.state[0]!.exp_avg as Tensor).tolist()).toEqual(saved);
    // and editing the saved groups does not change the optimizer
    (sd.param_groups[0]!.betas as number[])[0] = 0.5;
    expect(opt.paramGroups[0]!.betas).toEqual([0.9, 0.999]);
  });

  // Every optimizer/option combination resumes bit for bit from a mid-run state dict.
  for (const c of fx.cases) {
    it(`resumes ${c.name} bit for bit`, () => {
      const whole = build(c);
      run(c, whole.params, whole.opt, 0, 12);
      const resumedFrom = build(c);
      run(c, resumedFrom.params, resumedFrom.opt, 0, 7);
      const sd = resumedFrom.opt.stateDict();
      const fresh = build(c);
      fresh.params.forEach((q, i) => q.copy_(resumedFrom.params[i]!));
      fresh.opt.loadStateDict(sd);
      run(c, fresh.params, fresh.opt, 7, 12);
      fresh.params.forEach((q, i) => expect(Array.from(q.dataSync())).toEqual(Array.from(whole.params[i]!.dataSync())));
      // loading also restored the group options
      expect(fresh.opt.paramGroups.map(({ params: _, ...o }) => o)).toEqual(whole.opt.paramGroups.map(({ params: _, ...o }) => o));
    });
  }

  it('casts loaded state tensors to the parameter dtype (except step) and restores group options', () => {
    const a = p([1, 2], 'float64');
    const opt = new Adam([a], { lr: 0.1 });
    a.grad = p([1, 2]);
    opt.step();
    const sd = opt.stateDict();
    sd.param_groups[0]!.lr = 0.25;
    const b = p([1, 2], 'float32');
    const opt32 = new Adam([b]);
    opt32.loadStateDict(sd);
    const st = opt32.state.get(b)!;
    expect((st.exp_avg as Tensor).dtype).toBe('float32');
    expect(st.step).toBe(1);
    expect(opt32.paramGroups[0]!.lr).toBe(0.25);
    expect(opt32.paramGroups[0]!.params[0]).toBe(b);
  });

  it('rejects a state dict with other groups', () => {
    const opt = new SGD([p([1])], { lr: 0.1 });
    const two = new SGD([{ params: [p([1])] }, { params: [p([2])] }], { lr: 0.1 });
    expect(() => opt.loadStateDict(two.stateDict())).toThrow(/loaded state dict has a different number of parameter groups/);
    const big = new SGD([p([1]), p([2])], { lr: 0.1 });
    expect(() => opt.loadStateDict(big.stateDict())).toThrow(/doesn't match the size of optimizer's group/);
  });

  it('Adagrad creates its state at construction, like PyTorch', () => {
    const a = zeros([2], { dtype: 'float64' });
    const opt = new Adagrad([a], { initialAccumulatorValue: 0.5 });
    const sd = opt.stateDict();
    expect(sd.state[0]!.step).toBe(0);
    expect((sd.state[0]!.sum as Tensor).tolist()).toEqual([0.5, 0.5]);
  });
});
