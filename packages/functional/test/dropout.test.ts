import { describe, expect, it } from 'vitest';
import { manualSeed, ones, randn } from '@kiln/tensor';
import * as F from '../src/index.js';

const vals = (t: { dataSync(): ArrayLike<number> }) => Array.from(t.dataSync());

describe('dropout family (global generator; statistics, not PyTorch’s exact draws)', () => {
  it('dropout zeroes about p of the elements and scales the rest by 1/(1-p)', () => {
    manualSeed(0);
    const y = vals(F.dropout(ones([100, 100]), { p: 0.3 }));
    const zeros = y.filter((v) => v === 0).length / y.length;
    expect(zeros).toBeGreaterThan(0.28);
    expect(zeros).toBeLessThan(0.32);
    for (const v of y) if (v !== 0) expect(v).toBeCloseTo(1 / 0.7, 6);
  });
  it('is the identity when not training or p = 0; all zeros when p = 1', () => {
    const x = randn([3, 4]);
    expect(F.dropout(x, { training: false })).toBe(x);
    expect(F.dropout(x, { p: 0 })).toBe(x);
    expect(vals(F.dropout(x, { p: 1 })).every((v) => v === 0)).toBe(true);
  });
  it('is reproducible with manualSeed', () => {
    manualSeed(5);
    const a = vals(F.dropout(ones([50])));
    manualSeed(5);
    expect(vals(F.dropout(ones([50])))).toEqual(a);
  });
  it('dropout2d drops whole channels', () => {
    manualSeed(1);
    const y = F.dropout2d(ones([8, 16, 3, 3]), { p: 0.5 });
    const perChannel = y.reshape([8 * 16, 9]).tolist() as number[][];
    let dropped = 0;
    for (const ch of perChannel) {
      expect(new Set(ch).size).toBe(1);
      if (ch[0] === 0) dropped++;
      else expect(ch[0]).toBeCloseTo(2, 6);
    }
    expect(dropped).toBeGreaterThan(40);
    expect(dropped).toBeLessThan(88);
  });
  it('alphaDropout keeps mean 0 and variance 1 of a standard normal input', () => {
    manualSeed(2);
    const y = vals(F.alphaDropout(randn([200, 200]), { p: 0.2 }));
    const m = y.reduce((a, b) => a + b, 0) / y.length;
    const v = y.reduce((a, b) => a + (b - m) ** 2, 0) / y.length;
    expect(Math.abs(m)).toBeLessThan(0.02);
    expect(v).toBeGreaterThan(0.95);
    expect(v).toBeLessThan(1.05);
  });
  it('rrelu in training draws each negative slope from U(lower, upper)', () => {
    manualSeed(3);
    const x = ones([1000]).neg();
    const slopes = vals(F.rrelu(x, { training: true, lower: 0.1, upper: 0.3 })).map((v) => -v);
    expect(Math.min(...slopes)).toBeGreaterThanOrEqual(0.1);
    expect(Math.max(...slopes)).toBeLessThanOrEqual(0.3);
    expect(new Set(slopes).size).toBeGreaterThan(900);
    expect(vals(F.rrelu(ones([2]).mul(2)))).toEqual([2, 2]);
  });
});
