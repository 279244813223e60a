import { describe, expect, it } from 'vitest';
import { Generator, fromTypedArray, manualSeed, rand, randint, randn, randperm } from '../src/index.js';
import { runFixture } from './ops-harness.js';

// Golden values from PyTorch: tools/fixtures/tensor_ops.py writes fixtures/ops-creation.json.
runFixture('ops-creation.json');

// Random streams are Kiln's own (counter-based, device independent), so they are checked for
// reproducibility and range rather than against PyTorch's Mersenne Twister.
describe('random creation', () => {
  it('the same seed gives the same numbers; another seed does not', () => {
    manualSeed(7);
    const a = randn(5).tolist();
    const u = rand(3).tolist();
    manualSeed(7);
    expect(randn(5).tolist()).toEqual(a);
    expect(rand(3).tolist()).toEqual(u);
    manualSeed(8);
    expect(randn(5).tolist()).not.toEqual(a);
    const g = new Generator().manualSeed(7);
    expect(randn(5, { generator: g }).tolist()).toEqual(a);
  });

  it('randint / randperm stay in range', () => {
    manualSeed(0);
    const r = randint(2, 5, [200]).dataSync();
    expect(Math.min(...r)).toBe(2);
    expect(Math.max(...r)).toBe(4);
    expect([...randperm(10).dataSync()].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('fromTypedArray', () => {
  it('shares memory with the array on the CPU (numpy from_numpy)', () => {
    const arr = new Float32Array([1, 2, 3, 4]);
    const t = fromTypedArray(arr, [2, 2]);
    t.add_(1);
    expect(Array.from(arr)).toEqual([2, 3, 4, 5]);
    arr[0] = -1;
    expect(t.tolist()).toEqual([[-1, 3], [4, 5]]);
    expect(fromTypedArray(new Int32Array(2)).dtype).toBe('int32');
  });
});
