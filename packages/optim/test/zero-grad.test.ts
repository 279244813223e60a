import { describe, expect, it } from 'vitest';
import { tensor } from '@kiln/tensor';
import { SGD } from '../src/index.js';

describe('zeroGrad', () => {
  it('sets .grad to null and disposes the old gradient (setToNone, the default)', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const old = tensor([0.5, 0.5]);
    p.grad = old;
    new SGD([p], { lr: 0.1 }).zeroGrad();
    expect(p.grad).toBeNull();
    expect(old.isDisposed).toBe(true);
  });

  it('keeps and zeroes the gradient with setToNone: false', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    p.grad = tensor([0.5, 0.5]);
    new SGD([p], { lr: 0.1 }).zeroGrad({ setToNone: false });
    expect(p.grad!.tolist()).toEqual([0, 0]);
  });
});
