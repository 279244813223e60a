import { Generator, manualSeed, randint, randperm } from '@kiln/tensor';
import { describe, expect, it } from 'vitest';
import { BatchSampler, RandomSampler, SequentialSampler, SubsetRandomSampler, WeightedRandomSampler } from '../src/index.js';
import ref from './fixtures/data_reference.json' with { type: 'json' };

const range = (n: number) => ({ length: n });

describe('SequentialSampler / BatchSampler', () => {
  it.each(ref.batch_sampler)('BatchSampler n=$n batch=$batch_size dropLast=$drop_last matches PyTorch', ({ n, batch_size, drop_last, batches, length }) => {
    const bs = new BatchSampler(new SequentialSampler(range(n)), batch_size, drop_last);
    expect([...bs]).toEqual(batches);
    expect(bs.length).toBe(length);
  });
  it('validates arguments', () => {
    expect(() => new BatchSampler(new SequentialSampler(range(3)), 0, false)).toThrow(/batchSize should be a positive integer value, but got batchSize=0/);
  });
});

describe('RandomSampler', () => {
  it('is randperm of a generator seeded from the given generator stream', () => {
    const s = new RandomSampler(range(10), { generator: new Generator(7) });
    expect([...s]).toEqual(randperm(10, { generator: new Generator(7) }).tolist());
  });
  it('without a generator seeds a fresh one from the global generator each pass', () => {
    manualSeed(1);
    const a = [...new RandomSampler(range(50))];
    const b = [...new RandomSampler(range(50))];
    manualSeed(1);
    expect([...new RandomSampler(range(50))]).toEqual(a);
    expect(a).not.toEqual(b);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
  it('numSamples > n without replacement concatenates permutations; with replacement draws randint in chunks of 32', () => {
    const s = new RandomSampler(range(4), { numSamples: 10, generator: new Generator(2) });
    const out = [...s];
    expect(out.length).toBe(10);
    expect(out.slice(0, 4).sort()).toEqual([0, 1, 2, 3]);
    expect(out.slice(4, 8).sort()).toEqual([0, 1, 2, 3]);
    const r = [...new RandomSampler(range(5), { replacement: true, numSamples: 40, generator: new Generator(9) })];
    const g = new Generator(9);
    expect(r).toEqual([...randint(5, [32], { generator: g }).tolist() as number[], ...(randint(5, [8], { generator: g }).tolist() as number[])]);
    expect(() => new RandomSampler(range(3), { numSamples: 0 })).toThrow(/numSamples should be a positive integer value/);
  });
});

describe('SubsetRandomSampler / WeightedRandomSampler', () => {
  it('SubsetRandomSampler permutes the given indices', () => {
    const out = [...new SubsetRandomSampler([10, 20, 30, 40], { generator: new Generator(0) })];
    expect([...out].sort()).toEqual([10, 20, 30, 40]);
    const p = randperm(4, { generator: new Generator(0) }).tolist() as number[];
    expect(out).toEqual(p.map((i) => [10, 20, 30, 40][i]));
  });
  it('WeightedRandomSampler follows the weights', () => {
    const s = new WeightedRandomSampler([0, 1, 3], 4000, { generator: new Generator(4) });
    const counts = [0, 0, 0];
    for (const i of s) counts[i]!++;
    expect(counts[0]).toBe(0);
    expect(counts[2]! / 4000).toBeGreaterThan(0.72);
    expect(counts[2]! / 4000).toBeLessThan(0.78);
  });
  it('WeightedRandomSampler without replacement never repeats', () => {
    const out = [...new WeightedRandomSampler([1, 2, 3, 4, 0], 4, { replacement: false, generator: new Generator(1) })];
    expect([...out].sort()).toEqual([0, 1, 2, 3]);
    expect(() => new WeightedRandomSampler([1, 0], 2, { replacement: false })).toThrow(/cannot sample n_sample=2/);
  });
});
