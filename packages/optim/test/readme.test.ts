/** The README's example runs and converges (kept in sync by hand with README.md). */
import { expect, it } from 'vitest';
import { tensor, zeros } from '@kiln/tensor';
import { SGD } from '../src/index.js';
import { StepLR } from '../src/lr-scheduler/index.js';

it('README example fits y = 2x + 5', () => {
  const x = tensor([1, 2, 3, 4], { dtype: 'float32' });
  const y = x.mul(2).add(5);
  const w = zeros([1]);
  const b = zeros([1]);
  const opt = new SGD([w, b], { lr: 0.05, momentum: 0.9 });
  const sched = new StepLR(opt, 200, { gamma: 0.5 });
  for (let epoch = 0; epoch < 600; epoch++) {
    const err = x.mul(w).add(b).sub(y);
    opt.zeroGrad();
    w.grad = err.mul(x).mean().mul(2).reshape([1]);
    b.grad = err.mean().mul(2).reshape([1]);
    opt.step();
    sched.step();
  }
  expect(w.item()).toBeCloseTo(2, 3);
  expect(b.item()).toBeCloseTo(5, 3);
  expect(sched.getLastLr()).toEqual([0.05 * 0.5 ** 3]);
});
