import '@kiln/autograd';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, Generator, empty, manualSeed, zeros, type Tensor } from '@kiln/tensor';
import * as init from '../src/index.js';

const fx = JSON.parse(readFileSync(new URL('./fixtures/init.json', import.meta.url), 'utf8')) as {
  gains: { name: init.Nonlinearity; param: number | null; gain: number }[];
  fans: { shape: number[]; fanIn: number; fanOut: number; kaimingUniformBound: number; xavierUniformBound: number }[];
  dirac: { shape: number[]; groups: number; data: number[] }[];
  eye: { shape: number[]; data: number[] }[];
};

const values = (t: Tensor) => Array.from(t.dataSync() as Float32Array);
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const std = (v: number[]) => {
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
};

describe('deterministic initialisers match PyTorch', () => {
  it('calculateGain', () => {
    for (const g of fx.gains) expect(init.calculateGain(g.name, g.param), `${g.name}(${g.param})`).toBeCloseTo(g.gain, 12);
    expect(init.calculateGain('leakyRelu', 0.2)).toBeCloseTo(init.calculateGain('leaky_relu', 0.2), 15);
    expect(() => init.calculateGain('swish' as init.Nonlinearity)).toThrow(ValueError);
  });
  it('calculateFanInAndFanOut', () => {
    for (const f of fx.fans) expect(init.calculateFanInAndFanOut(empty(f.shape)), `${f.shape}`).toEqual({ fanIn: f.fanIn, fanOut: f.fanOut });
    expect(() => init.calculateFanInAndFanOut(empty([5]))).toThrow(/fewer than 2 dimensions/);
  });
  it('eye_ and dirac_', () => {
    for (const e of fx.eye) expect(values(init.eye_(empty(e.shape)))).toEqual(e.data);
    for (const d of fx.dirac) expect(values(init.dirac_(empty(d.shape), d.groups)), `${d.shape} groups=${d.groups}`).toEqual(d.data);
    expect(() => init.eye_(empty([2, 2, 2]))).toThrow(ShapeError);
    expect(() => init.dirac_(empty([2, 2]))).toThrow(ShapeError);
  });
  it('constant_, ones_, zeros_', () => {
    expect(values(init.constant_(empty([2, 3]), 0.25))).toEqual(Array(6).fill(0.25));
    expect(values(init.ones_(empty([4])))).toEqual([1, 1, 1, 1]);
    expect(values(init.zeros_(empty([2, 2]).fill_(3)))).toEqual([0, 0, 0, 0]);
  });
});

describe('random initialisers: bounds and statistics', () => {
  it('uniform_ stays in [a, b) with the right mean and variance; positional or options form', () => {
    manualSeed(1);
    const v = values(init.uniform_(empty([100, 100]), -2, 4));
    expect(Math.min(...v)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...v)).toBeLessThan(4);
    expect(mean(v)).toBeCloseTo(1, 1);
    expect(std(v)).toBeCloseTo(6 / Math.sqrt(12), 1);
    const w = values(init.uniform_(empty([1000]), { a: 5, b: 6 }));
    expect(Math.min(...w)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...w)).toBeLessThan(6);
  });
  it('normal_ has the requested mean and std', () => {
    manualSeed(2);
    const v = values(init.normal_(empty([200, 100]), 3, 0.5));
    expect(mean(v)).toBeCloseTo(3, 1);
    expect(std(v)).toBeCloseTo(0.5, 1);
  });
  it('truncNormal_ stays in [a, b] with the truncated distribution’s std', () => {
    manualSeed(3);
    const v = values(init.truncNormal_(empty([200, 100])));
    expect(Math.min(...v)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...v)).toBeLessThanOrEqual(2);
    expect(Math.abs(mean(v))).toBeLessThan(0.02);
    // std of N(0,1) truncated to [-2, 2]: sqrt(1 - 2·2φ(2) / (2Φ(2) - 1)) = 0.8796
    expect(std(v)).toBeCloseTo(0.8796, 2);
    const w = values(init.truncNormal_(empty([5000]), { mean: 1, std: 2, a: 0, b: 1.5 }));
    expect(Math.min(...w)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...w)).toBeLessThanOrEqual(1.5);
  });
  it('kaimingUniform_ with a=√5 uses PyTorch’s Linear/Conv bound', () => {
    manualSeed(4);
    for (const f of fx.fans) {
      // enough samples that the extremes come close to the bound
      const shape = [f.shape[0]! * 40, ...f.shape.slice(1)];
      const { fanIn } = init.calculateFanInAndFanOut(empty(shape));
      expect(fanIn).toBe(f.fanIn);
      const v = values(init.kaimingUniform_(empty(shape), { a: Math.sqrt(5) }));
      const m = Math.max(...v.map(Math.abs));
      expect(m, `${f.shape}`).toBeLessThanOrEqual(f.kaimingUniformBound);
      expect(m, `${f.shape}`).toBeGreaterThan(f.kaimingUniformBound * 0.95);
    }
  });
  it('kaimingNormal_ std follows gain / sqrt(fan) for both modes', () => {
    manualSeed(5);
    const w = empty([200, 50, 3]);
    expect(std(values(init.kaimingNormal_(w, { nonlinearity: 'relu' })))).toBeCloseTo(Math.SQRT2 / Math.sqrt(150), 2);
    expect(std(values(init.kaimingNormal_(w, { mode: 'fan_out', nonlinearity: 'relu' })))).toBeCloseTo(Math.SQRT2 / Math.sqrt(600), 2);
    expect(() => init.kaimingNormal_(w, { mode: 'fan_avg' as init.FanMode })).toThrow(/fan_in, fan_out/);
  });
  it('xavierUniform_ / xavierNormal_ follow the Glorot bound and std', () => {
    manualSeed(6);
    const w = empty([100, 300]);
    const v = values(init.xavierUniform_(w, 2));
    const bound = 2 * Math.sqrt(6 / 400);
    expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...v.map(Math.abs))).toBeGreaterThan(bound * 0.99);
    expect(std(values(init.xavierNormal_(w, { gain: 0.5 })))).toBeCloseTo(0.5 * Math.sqrt(2 / 400), 3);
  });
  it('orthogonal_ gives orthonormal rows or columns scaled by gain', () => {
    manualSeed(7);
    for (const shape of [[5, 3], [3, 5], [4, 2, 2], [6, 6]]) {
      const w = init.orthogonal_(empty(shape).double(), 2).reshape([shape[0]!, -1]);
      const g = w.shape[0]! >= w.shape[1]! ? w.t().matmul(w) : w.matmul(w.t());
      const n = g.shape[0]!;
      const eye = values(zeros([n, n]).double().add(1).tril().triu());
      values(g).forEach((x, i) => expect(x, `${shape} gram[${i}]`).toBeCloseTo(4 * eye[i]!, 10));
    }
  });
  it('sparse_ zeroes ceil(sparsity · rows) entries of every column', () => {
    manualSeed(8);
    const w = init.sparse_(empty([10, 6]), 0.25, { std: 0.1 });
    const cols = w.t().tolist() as number[][];
    for (const c of cols) expect(c.filter((x) => x === 0).length).toBe(3);
    expect(std(values(w).filter((x) => x !== 0))).toBeLessThan(0.2);
  });
  it('is reproducible with manualSeed or an explicit generator', () => {
    manualSeed(9);
    const a = values(init.kaimingUniform_(empty([4, 5])));
    manualSeed(9);
    expect(values(init.kaimingUniform_(empty([4, 5])))).toEqual(a);
    const g1 = new Generator(3), g2 = new Generator(3);
    expect(values(init.normal_(empty([6]), { generator: g1 }))).toEqual(values(init.normal_(empty([6]), { generator: g2 })));
  });
  it('fills a parameter that requires grad in place, keeping it a leaf', () => {
    const w = empty([3, 4]).requiresGrad_();
    const storage = w.storage;
    init.xavierUniform_(w);
    init.zeros_(w);
    expect(w.storage).toBe(storage);
    expect(w.requiresGrad).toBe(true);
    expect(values(w)).toEqual(Array(12).fill(0));
  });
});
