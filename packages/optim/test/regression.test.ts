/**
 * The seed tutorial's linear regression (y = 2x + 5 + noise) trained with SGD(lr = 0.05), on
 * PyTorch's data. Autograd is not a dependency of optim, so the MSE gradient is written by hand:
 * for loss = mean(0.5 (w x + b - y)²), dL/dw = mean((ŷ - y) x) and dL/db = mean(ŷ - y).
 */
import { describe, expect, it } from 'vitest';
import { tensor, zeros } from '@kiln/tensor';
import { SGD } from '../src/index.js';
import { fixture } from './helpers.js';

interface Fx {
  x: number[];
  y: number[];
  w0: number[];
  checkpoints: { iteration: number; w: number; b: number; loss: number }[];
}
const fx = fixture<Fx>('regression.json');

describe('linear regression with SGD', () => {
  it('converges to w ≈ 2, b ≈ 5 along PyTorch’s path', () => {
    const x = tensor(fx.x, { dtype: 'float32' }).reshape([20, 1]);
    const y = tensor(fx.y, { dtype: 'float32' }).reshape([20, 1]);
    const w = tensor(fx.w0, { dtype: 'float32' });
    const b = zeros([1]);
    const opt = new SGD([w, b], { lr: 0.05 });
    let next = 0;
    for (let it = 1; it <= 1500; it++) {
      const err = x.mul(w).add(b).sub(y);
      const loss = err.square().mul(0.5).mean().item() as number;
      opt.zeroGrad();
      w.grad = err.mul(x).mean().reshape([1]);
      b.grad = err.mean().reshape([1]);
      opt.step();
      const cp = fx.checkpoints[next];
      if (cp && cp.iteration === it) {
        next++;
        expect(w.item() as number).toBeCloseTo(cp.w, 4);
        expect(b.item() as number).toBeCloseTo(cp.b, 4);
        expect(loss).toBeCloseTo(cp.loss, 4);
      }
    }
    expect(next).toBe(fx.checkpoints.length);
    expect(Math.abs((w.item() as number) - 2)).toBeLessThan(0.1);
    expect(Math.abs((b.item() as number) - 5)).toBeLessThan(0.25);
  });
});
