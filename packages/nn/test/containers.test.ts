import '@kiln/autograd';
import { ones, randn, tensor, zeros } from '@kiln/tensor';
import { describe, expect, it } from 'vitest';
import * as nn from '../src/index.js';


describe('Sequential', () => {
  it('chains children through call (hooks run), indexes, slices and appends', () => {
    const seq = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1));
    expect(seq.length).toBe(3);
    expect(seq.get(-1)).toBeInstanceOf(nn.Linear);
    expect(() => seq.get(3)).toThrow('index 3 is out of range');
    let calls = 0;
    seq.get(1).registerForwardHook(() => void calls++);
    expect(seq.call(ones([4, 2])).shape).toEqual([4, 1]);
    expect(calls).toBe(1);
    const tail = seq.slice(1);
    expect(tail.namedChildren().map(([k]) => k)).toEqual(['1', '2']);
    expect(tail.get(0)).toBe(seq.get(1));
    seq.append(new nn.Sigmoid());
    expect(seq.namedChildren().map(([k]) => k)).toEqual(['0', '1', '2', '3']);
    expect([...seq]).toHaveLength(4);
    expect(Object.keys(seq.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
  });

  it('takes named entries from an object or a Map', () => {
    const seq = new nn.Sequential(new Map<string, nn.Module>([['fc', new nn.Linear(2, 2)], ['act', new nn.Tanh()]]));
    expect(Object.keys(seq.stateDict())).toEqual(['fc.weight', 'fc.bias']);
    expect(seq.getSubmodule('act')).toBeInstanceOf(nn.Tanh);
  });
});

describe('ModuleList / ModuleDict', () => {
  it('ModuleList registers, inserts and renumbers', () => {
    const l = new nn.ModuleList([new nn.Linear(1, 1)]);
    l.append(new nn.ReLU()).extend([new nn.Tanh()]);
    l.insert(0, new nn.Identity());
    expect(l.children().map((m) => m._getName())).toEqual(['Identity', 'Linear', 'ReLU', 'Tanh']);
    expect(Object.keys(l.stateDict())).toEqual(['1.weight', '1.bias']);
    expect(l.slice(1, 3).length).toBe(2);
    l.set(-1, new nn.Sigmoid());
    expect(l.get(3)).toBeInstanceOf(nn.Sigmoid);
  });

  it('ModuleDict keeps insertion order, even for integer-like keys', () => {
    const d = new nn.ModuleDict({ b: new nn.Linear(1, 1) });
    d.set('10', new nn.Linear(1, 1));
    d.set('2', new nn.ReLU());
    expect(d.keys()).toEqual(['b', '10', '2']);
    expect(Object.keys(d.stateDict())).toEqual(['b.weight', 'b.bias', '10.weight', '10.bias']);
    expect(d.pop('2')).toBeInstanceOf(nn.ReLU);
    expect(d.has('2')).toBe(false);
    expect(() => d.get('zz')).toThrow("KeyError: 'zz'");
  });
});

describe('ParameterList / ParameterDict', () => {
  it('wrap tensors into Parameters and register them', () => {
    const pl = new nn.ParameterList([zeros([2]), new nn.Parameter(ones([3]))]);
    expect(pl.get(0)).toBeInstanceOf(nn.Parameter);
    expect(pl.parameters()).toHaveLength(2);
    expect(Object.keys(pl.stateDict())).toEqual(['0', '1']);
    const pd = new nn.ParameterDict({ a: randn([2, 2]) });
    pd.set('b', tensor([1.5]));
    expect(pd.namedParameters().map(([k]) => k)).toEqual(['a', 'b']);
    expect(() => pd.call()).toThrow('ParameterDict should not be called.');
  });
});
