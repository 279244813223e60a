import '@kiln/autograd';
import { describe, expect, it } from 'vitest';
import { memory, randint, randn, tidy, type Tensor } from '@kiln/tensor';
import * as F from '../src/index.js';

describe('memory: op decompositions release their intermediates', () => {
  it('conv2d, maxPool2d, avgPool2d and softmax leave only their outputs alive', () => {
    const x = randn([2, 3, 8, 8]);
    const w = randn([4, 3, 3, 3]);
    const wt = randn([3, 2, 3, 3]);
    for (const [fn, live] of [
      [() => F.conv2d(x, w, null, { stride: 2, padding: 1 }), 1],
      [() => F.convTranspose2d(x, wt, null, { stride: 2 }), 1],
      [() => F.maxPool2d(x, 3, { stride: 2, ceilMode: true }), 2], // values + the indices backward needs
      [() => F.avgPool2d(x, 3, { stride: 2, padding: 1 }), 2], // output + its divisor
      [() => F.softmax(x, 1), 1],
    ] as const) {
      const before = memory().tensors;
      fn();
      expect(memory().tensors - before).toBeLessThanOrEqual(live);
    }
  });
  it('a training step inside tidy leaves nothing behind but the gradients', () => {
    const w1 = randn([4, 1, 3, 3]).requiresGrad_();
    const w2 = randn([3, 4 * 3 * 3]).requiresGrad_();
    const x = randn([2, 1, 8, 8]);
    const y = randint(0, 3, [2]);
    const step = () =>
      tidy(() => {
        const h = F.maxPool2d(F.relu(F.conv2d(x, w1, null, { padding: 1 })), 2, { stride: 3 });
        F.crossEntropy(F.linear(h.flatten(1), w2), y).backward();
      });
    const clear = (p: Tensor) => {
      p.grad?.dispose();
      p.grad = null;
    };
    step();
    clear(w1);
    clear(w2);
    const before = memory().tensors;
    for (let i = 0; i < 3; i++) {
      step();
      clear(w1);
      clear(w2);
    }
    expect(memory().tensors).toBe(before);
  });
});
