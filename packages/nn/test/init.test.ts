/** Default initialisation follows PyTorch's reset_parameters (distribution bounds; Kiln's RNG differs from PyTorch's). */
import { manualSeed, tensor, type Tensor } from '@kiln/tensor';
import { describe, expect, it } from 'vitest';
import * as nn from '../src/index.js';

function stats(t: Tensor): { min: number; max: number; std: number } {
  const v = Array.from(t.dataSync() as Float32Array);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { min: Math.min(...v), max: Math.max(...v), std };
}

// U(-b, b) has std b/√3; with thousands of samples the max is close to b.
function expectUniform(t: Tensor, bound: number): void {
  const s = stats(t);
  expect(s.max).toBeLessThanOrEqual(bound);
  expect(s.min).toBeGreaterThanOrEqual(-bound);
  expect(s.max).toBeGreaterThan(bound * 0.9);
  expect(s.std).toBeGreaterThan((bound / Math.sqrt(3)) * 0.9);
  expect(s.std).toBeLessThan((bound / Math.sqrt(3)) * 1.1);
}

describe('default initialisation', () => {
  it('Linear and Conv: kaiming-uniform(a=√5) weight = U(±1/√fanIn), bias U(±1/√fanIn)', () => {
    const l = new nn.Linear(100, 200);
    expectUniform(l.weight, 1 / Math.sqrt(100));
    expect(stats(l.bias!).max).toBeLessThanOrEqual(0.1);
    const c = new nn.Conv2d(8, 64, 3, { groups: 2 });
    expectUniform(c.weight, 1 / Math.sqrt(4 * 9));
    expect(stats(c.bias!).max).toBeLessThanOrEqual(1 / 6);
    const t = new nn.ConvTranspose2d(64, 8, 3);
    expectUniform(t.weight, 1 / Math.sqrt(8 * 9));
  });

  it('norm layers start at weight 1, bias 0, running mean 0, var 1, counter 0', () => {
    const bn = new nn.BatchNorm2d(3);
    expect(bn.weight!.tolist()).toEqual([1, 1, 1]);
    expect(bn.bias!.tolist()).toEqual([0, 0, 0]);
    expect(bn.running_mean!.tolist()).toEqual([0, 0, 0]);
    expect(bn.running_var!.tolist()).toEqual([1, 1, 1]);
    expect(bn.num_batches_tracked!.item()).toBe(0);
    expect(bn.num_batches_tracked!.dtype).toBe('int32');
    expect(new nn.LayerNorm(2).weight!.tolist()).toEqual([1, 1]);
  });

  it('Embedding: N(0, 1) with a zero padding row; fromPretrained freezes by default', () => {
    const e = new nn.Embedding(1000, 8, { paddingIdx: -1 });
    expect(e.paddingIdx).toBe(999);
    expect(e.weight.select(0, 999).tolist()).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Math.abs(stats(e.weight).std - 1)).toBeLessThan(0.05);
    const p = nn.Embedding.fromPretrained(tensor([[1.5, 2], [3, 4]]));
    expect(p.weight.requiresGrad).toBe(false);
    expect(p.call(tensor([1])).tolist()).toEqual([[3, 4]]);
  });

  it('RNN weights U(±1/√hidden); MultiheadAttention xavier in_proj and zero biases', () => {
    const r = new nn.LSTM(50, 64);
    for (const p of r.parameters()) expect(Math.max(Math.abs(stats(p).min), stats(p).max)).toBeLessThanOrEqual(1 / 8);
    const m = new nn.MultiheadAttention(64, 4);
    expectUniform(m.in_proj_weight!, Math.sqrt(6 / (64 + 192)));
    expect(stats(m.in_proj_bias!).max).toBe(0);
    expect(stats(m.out_proj.bias!).max).toBe(0);
  });

  it('nn.init and nn.functional re-export @kiln/init and @kiln/functional', () => {
    const w = new nn.Linear(4, 4).weight;
    nn.init.constant_(w, 0.5);
    expect(stats(w).max).toBe(0.5);
    expect(nn.functional.relu(tensor([-1.5, 2])).tolist()).toEqual([0, 2]);
  });

  it('manualSeed makes initialisation reproducible', () => {
    manualSeed(7);
    const a = new nn.Linear(3, 2).weight.tolist();
    manualSeed(7);
    expect(new nn.Linear(3, 2).weight.tolist()).toEqual(a);
  });
});
