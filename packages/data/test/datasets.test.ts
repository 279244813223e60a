import { arange, Generator, manualSeed, tensor } from '@kiln/tensor';
import { describe, expect, it, vi } from 'vitest';
import { ChainDataset, ConcatDataset, Dataset, Subset, TensorDataset, randomSplit } from '../src/index.js';
import ref from './fixtures/data_reference.json' with { type: 'json' };

class Range extends Dataset<number> {
  constructor(readonly n: number, readonly base = 0) {
    super();
  }
  override getItem(i: number) {
    return this.base + i;
  }
  override get length() {
    return this.n;
  }
}

describe('TensorDataset', () => {
  it('returns the i-th rows of every tensor', () => {
    const ds = new TensorDataset(arange(6).reshape([3, 2]), tensor([7, 8, 9]));
    expect(ds.length).toBe(3);
    const [x, y] = ds.getItem(1);
    expect(x!.tolist()).toEqual([2, 3]);
    expect(y!.item()).toBe(8);
    expect(ds.getItem(-1)[1]!.item()).toBe(9);
  });
  it('rejects tensors of different lengths and bad indices', () => {
    expect(() => new TensorDataset(arange(3), arange(4))).toThrow(/Size mismatch.*tensor 1 has shape \[4\]/);
    expect(() => new TensorDataset(arange(3)).getItem(3)).toThrow(/index 3 is out of range/);
  });
});

describe('Subset / ConcatDataset / ChainDataset', () => {
  it('Subset maps indices', () => {
    const s = new Subset(new Range(10), [4, 2, 7]);
    expect([0, 1, 2, -1].map((i) => s.getItem(i))).toEqual([4, 2, 7, 7]);
    expect(s.length).toBe(3);
    expect(() => s.getItem(3)).toThrow(/out of range/);
  });
  it('ConcatDataset finds the right part (bisect) and supports negative indices', () => {
    const c = new ConcatDataset([new Range(2, 0), new Range(0, 50), new Range(3, 100)]);
    expect(c.length).toBe(5);
    expect(c.cumulativeSizes).toEqual([2, 2, 5]);
    expect([0, 1, 2, 3, 4, -1, -5].map((i) => c.getItem(i))).toEqual([0, 1, 100, 101, 102, 102, 0]);
    expect(() => c.getItem(5)).toThrow(/out of range/);
    expect(() => c.getItem(-6)).toThrow(/should not exceed dataset length/);
    expect(() => new ConcatDataset([])).toThrow(/empty/);
  });
  it('ChainDataset chains sync and async iterables', async () => {
    async function* gen() {
      yield 'c';
    }
    expect([...new ChainDataset([['a'], ['b']])]).toEqual(['a', 'b']);
    const out: string[] = [];
    for await (const x of new ChainDataset<string>([['a', 'b'], gen()])) out.push(x);
    expect(out).toEqual(['a', 'b', 'c']);
    expect(() => [...new ChainDataset<string>([['a'], gen()])]).toThrow(/only async-iterable/);
    expect(new ChainDataset([[1, 2], [3]]).length).toBe(3);
  });
});

describe('randomSplit', () => {
  it.each(ref.random_split)('fractions $fractions of $n give PyTorch lengths $lengths', ({ n, fractions, lengths }) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const parts = randomSplit(new Range(n), fractions, { generator: new Generator(0) });
    expect(parts.map((p) => p.length)).toEqual(lengths);
    // Disjoint and covering.
    const all = parts.flatMap((p) => [...p.indices]).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(warn.mock.calls.length).toBe(lengths.filter((l) => l === 0).length);
    warn.mockRestore();
  });
  it('uses the generator reproducibly (global generator by default)', () => {
    manualSeed(3);
    const a = randomSplit(new Range(20), [15, 5]).map((p) => [...p.indices]);
    manualSeed(3);
    const b = randomSplit(new Range(20), [15, 5]).map((p) => [...p.indices]);
    expect(a).toEqual(b);
    const c = randomSplit(new Range(20), [15, 5], { generator: new Generator(3) }).map((p) => [...p.indices]);
    expect(c).toEqual(a);
    expect(a[0]).not.toEqual(Array.from({ length: 15 }, (_, i) => i));
  });
  it('rejects lengths that do not add up', () => {
    expect(() => randomSplit(new Range(10), [5, 4])).toThrow(/Sum of input lengths \(9\) does not equal the length of the input dataset \(10\)/);
    expect(() => randomSplit(new Range(10), [1.5, -0.5])).toThrow(/Fraction at index 0 is not between 0 and 1/);
  });
});
