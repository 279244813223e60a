import { describe, expect, it } from 'vitest';
import { tensor, type GradFn } from '@kiln/tensor';
import '../src/index.js';

describe('piecewise-constant ops (sign, floor, ceil, round, trunc)', () => {
  it('are recorded with PyTorch names and give zero gradients', () => {
    const names: Record<string, string> = { sign: 'SignBackward0', floor: 'FloorBackward0', ceil: 'CeilBackward0', round: 'RoundBackward0', trunc: 'TruncBackward0' };
    for (const [op, name] of Object.entries(names)) {
      const x = tensor([-1.5, 0.25, 2.5], { requiresGrad: true });
      const y = (x[op as 'sign'] as () => ReturnType<typeof x.sign>).call(x);
      expect((y.gradFn as GradFn).name()).toBe(name);
      y.sum().backward();
      expect(x.grad!.tolist()).toEqual([0, 0, 0]);
    }
  });

  it('frac = x - trunc(x) has gradient 1, as in PyTorch', () => {
    const x = tensor([-1.5, 0.25, 2.5], { requiresGrad: true });
    x.frac().sum().backward();
    expect(x.grad!.tolist()).toEqual([1, 1, 1]);
  });
});
