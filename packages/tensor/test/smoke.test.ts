import { describe, expect, it } from 'vitest';
import { tensor, arange, zeros, ones, randn, manualSeed, cat, stack, einsum, ShapeError, fromTypedArray, memory, tidy } from '../src/index.js';

describe('smoke', () => {
  it('basic arithmetic and broadcasting', () => {
    const a = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float32' });
    const b = tensor([10, 20, 30]);
    expect(a.add(b).tolist()).toEqual([[11, 22, 33], [14, 25, 36]]);
    expect(a.add(b).dtype).toBe('float32');
    expect(b.div(4).dtype).toBe('float32');
    expect(a.sum(1).tolist()).toEqual([6, 15]);
    expect(a.mean().item()).toBeCloseTo(3.5);
    expect(a.t().contiguous().tolist()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(a.matmul(a.t()).tolist()).toEqual([[14, 32], [32, 77]]);
    expect(() => a.add(tensor([1, 2]))).toThrow(ShapeError);
    const { values, indices } = a.max(1);
    expect(values.tolist()).toEqual([3, 6]);
    expect(indices.tolist()).toEqual([2, 2]);
    expect(arange(6).reshape(2, 3).flip(1).tolist()).toEqual([[2, 1, 0], [5, 4, 3]]);
    expect(cat([zeros(2), ones(1)]).tolist()).toEqual([0, 0, 1]);
    expect(stack([arange(2), arange(2)], 1).tolist()).toEqual([[0, 0], [1, 1]]);
    expect(einsum('ij,jk->ik', a, a.t()).tolist()).toEqual([[14, 32], [32, 77]]);
    manualSeed(0);
    const r1 = randn(3).tolist();
    manualSeed(0);
    expect(randn(3).tolist()).toEqual(r1);
    const arr = new Float32Array([1, 2, 3]);
    const t = fromTypedArray(arr);
    t.add_(1);
    expect(Array.from(arr)).toEqual([2, 3, 4]);
    const before = memory().tensors;
    tidy(() => { a.mul(2).add(1); });
    expect(memory().tensors).toBe(before);
    expect(arange(10).sort(0, { descending: true }).values.tolist()).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(arange(5).cumsum(0).tolist()).toEqual([0, 1, 3, 6, 10]);
  });
});
