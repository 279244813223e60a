/**
 * Gradients through NumPy/PyTorch indexing — `x.index(...)` (basic indexing as views, advanced
 * indexing with integer tensors and boolean masks) and `x.indexPut_(...)` (assign and accumulate) —
 * against float64 finite differences (gradcheck), plus the exact gradient of a repeated index.
 */
import { describe, expect, it } from 'vitest';
import { randn, slice, tensor, type Tensor } from '@kiln/tensor';
import { gradcheck } from '@kiln/autograd';

const d = (...shape: number[]) => randn(shape, { dtype: 'float64' }).requiresGrad_();

describe('gradients of index / indexPut_', () => {
  it('basic indexing: integers, slices with steps, ellipsis, new axes', () => {
    expect(gradcheck((x: Tensor) => x.index(1, slice(null, null, 2), '...', null).mul(3), [d(3, 5, 4)])).toBe(true);
    expect(gradcheck((x: Tensor) => x.index(slice(-2), -1), [d(4, 3)])).toBe(true);
  });

  it('advanced indexing: integer tensors (with repeats) and boolean masks', () => {
    const idx = tensor([2, 0, 2]);
    expect(gradcheck((x: Tensor) => x.index(idx, slice(1)), [d(4, 3)])).toBe(true);
    const mask = tensor([[true, false, true], [false, true, true]]);
    expect(gradcheck((x: Tensor) => x.index(mask).exp(), [d(2, 3)])).toBe(true);
  });

  it('a repeated index accumulates its gradient (x[[0, 0, 1]].sum() → [2, 1, 0])', () => {
    const x = tensor([1, 2, 3], { dtype: 'float32', requiresGrad: true });
    x.index(tensor([0, 0, 1])).sum().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([2, 1, 0]);
  });

  it('indexPut_ (assign and accumulate) on a non-leaf: gradients to the base and to the values', () => {
    const rows = tensor([0, 2]);
    const assign = (x: Tensor, v: Tensor) => x.mul(1).indexPut_([rows], v).square();
    expect(gradcheck(assign, [d(3, 2), d(2, 2)])).toBe(true);
    const accumulate = (x: Tensor, v: Tensor) => x.mul(1).indexPut_([tensor([1, 1])], v, { accumulate: true }).sin();
    expect(gradcheck(accumulate, [d(3, 2), d(2, 2)])).toBe(true);
    const masked = (x: Tensor, v: Tensor) => x.mul(1).indexPut_([tensor([true, false, true])], v).square();
    expect(gradcheck(masked, [d(3, 2), d(2)])).toBe(true);
  });
});
