import '@kiln/autograd';
import { ones, tensor, zeros, ShapeError, KilnError, type Tensor } from '@kiln/tensor';
import { describe, expect, it } from 'vitest';
import { Buffer, Module, ModuleDict, Parameter, deepcopy, isParameter, Sequential } from '../src/index.js';

// Modules built from Parameters directly, so these tests need no @kiln/init.
class Affine extends Module {
  weight = new Parameter(ones([2, 3]));
  bias: Parameter | null = new Parameter(zeros([2]));
  override forward(x: Tensor): Tensor {
    const y = x.matmul(this.weight.t());
    return this.bias ? y.add(this.bias) : y;
  }
  override extraRepr(): string {
    return 'in=3, out=2';
  }
}

class Net extends Module {
  a = new Affine();
  b: Affine;
  counter: Tensor;
  notState = tensor([1]);
  constructor() {
    super();
    this.b = new Affine();
    this.registerBuffer('scale', tensor([2.5]));
    this.registerBuffer('tmp', tensor([0]), { persistent: false });
    this.counter = new Buffer(tensor(0, { dtype: 'int32' }));
  }
  override forward(x: Tensor): Tensor {
    return this.b.call(this.a.call(x).matmul(ones([2, 3])));
  }
}

describe('Module registration', () => {
  it('registers Parameter and Module fields in assignment order', () => {
    const n = new Net();
    expect(n.namedParameters().map(([k]) => k)).toEqual(['a.weight', 'a.bias', 'b.weight', 'b.bias']);
    expect(n.parameters().every(isParameter)).toBe(true);
    expect(n.namedChildren().map(([k]) => k)).toEqual(['a', 'b']);
    expect(n.namedModules().map(([k]) => k)).toEqual(['', 'a', 'b']);
    // Declared fields (`counter: Tensor;`) take their slot at declaration, before the constructor body runs.
    expect(n.namedBuffers().map(([k]) => k)).toEqual(['counter', 'scale', 'tmp']);
    expect(n.parameters({ recurse: false })).toEqual([]);
  });

  it('lists shared parameters and modules once', () => {
    const n = new Net();
    n.b.weight = n.a.weight;
    expect(n.parameters()).toHaveLength(3);
    expect(n.namedParameters({ removeDuplicate: false })).toHaveLength(4);
    const s = new Sequential(n.a, n.a);
    expect(s.children()).toHaveLength(1);
    expect(s.parameters()).toHaveLength(2);
  });

  it('skips null parameters and plain tensor fields', () => {
    const m = new Affine();
    m.bias = null;
    expect(m.namedParameters().map(([k]) => k)).toEqual(['weight']);
    expect(Object.keys(new Net().stateDict())).not.toContain('notState');
  });

  it('Parameter shares storage, requires grad, and prints like PyTorch', () => {
    const t = tensor([1.5, 2]);
    const p = new Parameter(t);
    expect(() => new Parameter(tensor([1, 2]))).toThrow('only Tensors of floating point dtype can require gradients');
    expect(p.requiresGrad).toBe(true);
    expect(p.storage).toBe(t.storage);
    expect(new Parameter(t, false).requiresGrad).toBe(false);
    expect(isParameter(t)).toBe(false);
    expect(new Parameter().shape).toEqual([0]);
    expect(String(p).startsWith('Parameter containing:\ntensor(')).toBe(true);
  });

  it('registerBuffer/registerParameter/addModule validate names like PyTorch', () => {
    const m = new Module();
    expect(() => m.registerBuffer('a.b', ones(1))).toThrow('buffer name can\'t contain ".", got: a.b');
    expect(() => m.registerParameter('', null)).toThrow('parameter name can\'t be empty string ""');
    expect(() => m.registerParameter('w', ones(1) as Parameter)).toThrow("cannot assign 'Tensor' object to parameter 'w' (torch.nn.Parameter or None required)");
    (m as unknown as { x: number }).x = 3;
    expect(() => m.registerBuffer('x', ones(1))).toThrow("attribute 'x' already exists");
    m.addModule('child', new Affine());
    expect(m.children()).toHaveLength(1);
    expect(m.getSubmodule('child')).toBeInstanceOf(Affine);
    expect(() => m.getSubmodule('nope')).toThrow('Module has no attribute `nope`');
    expect(m.getParameter('child.weight')).toBe((m.getSubmodule('child') as Affine).weight);
    expect(() => m.getParameter('child.nope')).toThrow('Affine has no parameter `nope`');
    expect(new Net().getBuffer('scale').tolist()).toEqual([2.5]);
  });

  it('forward is required', () => {
    class Empty extends Module {}
    expect(() => new Empty().call()).toThrow('Module [Empty] is missing the required "forward" function');
  });
});

describe('Module modes and in-place updates', () => {
  it('train/eval recurse and return the module', () => {
    const n = new Net();
    expect(n.eval()).toBe(n);
    expect(n.modules().map((m) => m.training)).toEqual([false, false, false]);
    n.train();
    expect(n.a.training).toBe(true);
  });

  it('zeroGrad sets grads to null by default, zeros with setToNone false', () => {
    const m = new Affine();
    m.call(ones([1, 3])).sum().backward();
    expect(m.weight.grad!.tolist()).toEqual([[1, 1, 1], [1, 1, 1]]);
    m.zeroGrad({ setToNone: false });
    expect(m.weight.grad!.tolist()).toEqual([[0, 0, 0], [0, 0, 0]]);
    m.zeroGrad();
    expect(m.weight.grad).toBeNull();
  });

  it('requiresGrad_ and apply', () => {
    const n = new Net();
    n.requiresGrad_(false);
    expect(n.parameters().some((p) => p.requiresGrad)).toBe(false);
    const seen: string[] = [];
    n.apply((m) => void seen.push(m._getName()));
    expect(seen).toEqual(['Affine', 'Affine', 'Net']);
  });

  it('to(dtype) converts floating parameters and buffers in place, keeping identity', () => {
    const n = new Net();
    const w = n.a.weight;
    const oldView = w.view(-1);
    n.a.call(ones([1, 3])).sum().backward();
    n.to('float64');
    expect(oldView.tolist()).toEqual([1, 1, 1, 1, 1, 1]); // other views keep the old storage alive
    expect(n.a.weight).toBe(w);
    expect(w.dtype).toBe('float64');
    expect(w.requiresGrad).toBe(true);
    expect(w.grad!.dtype).toBe('float64');
    expect((n as unknown as { scale: Tensor }).scale.dtype).toBe('float64');
    expect(n.counter.dtype).toBe('int32');
    expect(n.a.call(ones([1, 3], { dtype: 'float64' })).dtype).toBe('float64');
    expect(() => n.to('int32')).toThrow('nn.Module.to only accepts floating point dtypes, but got desired dtype=int32');
    n.float();
    expect(w.dtype).toBe('float32');
    n.to(ones([1], { dtype: 'float64' }));
    expect(w.dtype).toBe('float64');
    n.to({ dtype: 'float32', device: 'cpu' });
    expect(w.dtype).toBe('float32');
  });
});

describe('stateDict / loadStateDict', () => {
  it('uses PyTorch keys, skips non-persistent buffers, and round-trips', () => {
    const n = new Net();
    const sd = n.stateDict();
    expect(Object.keys(sd)).toEqual(['counter', 'scale', 'a.weight', 'a.bias', 'b.weight', 'b.bias']);
    expect(sd['a.weight']!.requiresGrad).toBe(false);
    const m = new Net();
    m.a.weight.detach().fill_(5);
    m.loadStateDict(sd);
    expect(m.a.weight.tolist()).toEqual([[1, 1, 1], [1, 1, 1]]);
  });

  it('reports missing and unexpected keys with PyTorch\'s message', () => {
    const sd = new Affine().stateDict();
    delete sd.bias;
    sd.extra = ones(1);
    sd.more = ones(1);
    let msg = '';
    try {
      new Affine().loadStateDict(sd);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toBe('Error(s) in loading state_dict for Affine:\n\tMissing key(s) in state_dict: "bias". \n\tUnexpected key(s) in state_dict: "extra", "more". ');
    expect(new Affine().loadStateDict(sd, { strict: false })).toEqual({ missingKeys: ['bias'], unexpectedKeys: ['extra', 'more'] });
  });

  it('always rejects shape mismatches', () => {
    const sd = { weight: ones([3, 2]), bias: zeros([2]) };
    expect(() => new Affine().loadStateDict(sd, { strict: false })).toThrow(
      'Error(s) in loading state_dict for Affine:\n\tsize mismatch for weight: copying a param with shape [3, 2] from checkpoint, the shape in current model is [2, 3].',
    );
    expect(() => new Affine().loadStateDict(sd)).toThrow(ShapeError);
  });

  it('accepts a Map', () => {
    const m = new Affine();
    m.loadStateDict(new Map([['weight', zeros([2, 3])], ['bias', ones([2])]]));
    expect(m.bias!.tolist()).toEqual([1, 1]);
  });
});

describe('hooks', () => {
  it('forward pre-hooks replace arguments, forward hooks replace outputs, handles remove', () => {
    const m = new Affine();
    const h1 = m.registerForwardPreHook((_m, args) => [(args[0] as Tensor).mul(2)]);
    const h2 = m.registerForwardHook((_m, _args, out) => (out as Tensor).add(1));
    expect(m.call(ones([1, 3])).tolist()).toEqual([[7, 7]]);
    expect(m.forward(ones([1, 3])).tolist()).toEqual([[3, 3]]);
    h1.remove();
    expect(m.call(ones([1, 3])).tolist()).toEqual([[4, 4]]);
    h2.remove();
    expect(m.call(ones([1, 3])).tolist()).toEqual([[3, 3]]);
  });

  it('full backward hooks see grad input/output and may replace grad input', () => {
    const m = new Affine();
    const seen: (number[][] | null)[] = [];
    m.registerFullBackwardHook((_m, gi, go) => {
      seen.push(go[0]!.tolist() as number[][], gi[0] ? (gi[0].tolist() as number[][]) : null);
      return [gi[0]!.mul(10)];
    });
    const x = ones([1, 3]).requiresGrad_();
    m.call(x).sum().backward();
    expect(seen).toEqual([[[1, 1]], [[2, 2, 2]]]);
    expect(x.grad!.tolist()).toEqual([[20, 20, 20]]);
  });

  it('full backward hooks run with gradInput [null] when no input requires grad', () => {
    const m = new Affine();
    const seen: unknown[] = [];
    m.registerFullBackwardHook((_m, gi) => void seen.push(gi));
    m.call(ones([1, 3])).sum().backward();
    expect(seen).toEqual([[null]]);
  });
});

describe('toString', () => {
  it('prints nested modules like PyTorch\'s repr', () => {
    expect(new Net().toString()).toBe('Net(\n  (a): Affine(in=3, out=2)\n  (b): Affine(in=3, out=2)\n)');
    expect(new Module().toString()).toBe('Module()');
  });

  it('throws KilnError subclasses', () => {
    expect(() => new Affine().loadStateDict({})).toThrow(KilnError);
  });
});

describe('deepcopy', () => {
  it('copies structure, values, buffers, grads and hooks; the copy is independent', () => {
    const n = new Net();
    n.b.weight = n.a.weight; // shared inside the original → shared inside the copy
    n.a.call(ones([1, 3])).sum().backward();
    let calls = 0;
    n.a.registerForwardHook(() => void calls++);
    const c = deepcopy(n);
    expect(c).toBeInstanceOf(Net);
    expect(c.toString()).toBe(n.toString());
    expect(c.a).not.toBe(n.a);
    expect(c.a.weight).not.toBe(n.a.weight);
    expect(c.b.weight).toBe(c.a.weight);
    expect(c.parameters()).toHaveLength(3);
    expect(c.a.weight.requiresGrad).toBe(true);
    expect(c.a.weight.grad!.tolist()).toEqual(n.a.weight.grad!.tolist());
    expect(c.namedBuffers().map(([k]) => k)).toEqual(['counter', 'scale', 'tmp']);
    expect(Object.keys(c.stateDict())).toEqual(Object.keys(n.stateDict()));
    c.a.call(ones([1, 3]));
    expect(calls).toBe(1);
    c.a.weight.detach().fill_(7);
    expect(n.a.weight.tolist()).toEqual([[1, 1, 1], [1, 1, 1]]);
    expect(c.call(ones([1, 3])).shape).toEqual([1, 2]);
  });

  it('copies containers with their own maps', () => {
    const d = new ModuleDict({ '2': new Affine(), a: new Affine() });
    const c = deepcopy(d);
    expect(c.keys()).toEqual(['2', 'a']);
    expect(c.get('a')).not.toBe(d.get('a'));
    c.set('b', new Affine());
    expect(d.has('b')).toBe(false);
  });
});
