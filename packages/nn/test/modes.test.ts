/** Behaviour that fixtures cannot pin down: random dropout masks, output-size selection, batch-norm modes. */
import '@kiln/autograd';
import { manualSeed, ones, randn, tensor } from '@kiln/tensor';
import { describe, expect, it } from 'vitest';
import * as nn from '../src/index.js';

describe('dropout modes', () => {
  it('Dropout zeroes about p of the elements and scales the rest by 1/(1-p) in training, identity in eval', () => {
    manualSeed(0);
    const d = new nn.Dropout(0.25);
    const y = Array.from(d.call(ones([4000])).dataSync() as Float32Array);
    const zeros = y.filter((v) => v === 0).length / y.length;
    expect(zeros).toBeGreaterThan(0.22);
    expect(zeros).toBeLessThan(0.28);
    expect(y.filter((v) => v !== 0).every((v) => Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    d.eval();
    expect(d.call(ones([3])).tolist()).toEqual([1, 1, 1]);
  });

  it('Dropout2d drops whole channels', () => {
    manualSeed(1);
    const y = new nn.Dropout2d(0.5).call(ones([2, 64, 3, 3]));
    const perChannel = y.sum([2, 3]).tolist() as number[][];
    for (const row of perChannel) for (const s of row) expect([0, 18]).toContain(Math.round(s));
  });
});

describe('RReLU', () => {
  it('draws negative slopes from U(lower, upper) in training', () => {
    manualSeed(2);
    const x = ones([2000]).neg();
    const y = Array.from(new nn.RReLU(0.1, 0.3).call(x).dataSync() as Float32Array);
    expect(Math.min(...y)).toBeGreaterThanOrEqual(-0.3);
    expect(Math.max(...y)).toBeLessThanOrEqual(-0.1);
    expect(new Set(y).size).toBeGreaterThan(100);
  });
});

describe('ConvTranspose2d outputSize', () => {
  it('picks the requested size among those the stride allows', () => {
    const c = new nn.ConvTranspose2d(2, 3, 3, { stride: 2, padding: 1 });
    const x = randn([1, 2, 4, 4]);
    expect(c.call(x).shape).toEqual([1, 3, 7, 7]);
    expect(c.call(x, [8, 8]).shape).toEqual([1, 3, 8, 8]);
    expect(() => c.call(x, [9, 9])).toThrow('requested an output size of [9, 9], but valid sizes range from [7] to [8] (for an input of [4, 4])');
  });
});

describe('BatchNorm modes', () => {
  it('counts batches and uses a cumulative average when momentum is null', () => {
    const bn = new nn.BatchNorm1d(1, { momentum: null });
    bn.call(tensor([[1], [3]], { dtype: 'float32' }));
    bn.call(tensor([[5], [7]], { dtype: 'float32' }));
    expect(bn.num_batches_tracked!.item()).toBe(2);
    expect(bn.running_mean!.tolist()).toEqual([4]);
  });
  it('without running stats it normalises with batch statistics even in eval mode', () => {
    const bn = new nn.BatchNorm1d(1, { trackRunningStats: false }).eval();
    expect(bn.running_mean).toBeNull();
    const y = bn.call(tensor([[1], [3]], { dtype: 'float32' })).tolist() as number[][];
    expect(y[0]![0]).toBeCloseTo(-1, 4);
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias']);
  });
});
