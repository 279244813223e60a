import { describe, expect, it } from 'vitest';
import { run as runTypedArrays } from '../src/two-layer-net/01-typed-arrays.js';
import { run as runTensors } from '../src/two-layer-net/02-tensors.js';
import { demonstrateRebindingPitfall, run as runAutograd } from '../src/two-layer-net/03-autograd.js';
import { run as runNnOptim } from '../src/two-layer-net/04-nn-optim.js';
import type { TwoLayerConfig } from '../src/two-layer-net/config.js';

// Smaller than the tutorial so the smoke test takes well under a second per variant.
const small: TwoLayerConfig = { N: 16, Din: 50, H: 20, Dout: 5, steps: 30, learningRate: 1e-4, seed: 0 };

/** Same curve up to float32 rounding. */
function expectSameCurve(a: number[], b: number[], rtol = 1e-4): void {
  expect(b).toHaveLength(a.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(b[i]! - a[i]!)).toBeLessThanOrEqual(rtol * Math.abs(a[i]!));
}

describe('two-layer net (seed 001)', () => {
  it('typed arrays with manual backprop: the loss falls', () => {
    const losses = runTypedArrays(small);
    expect(losses).toHaveLength(30);
    expect(losses[29]!).toBeLessThan(losses[0]! * 0.5);
  });

  it('Kiln tensors with manual gradients follow the same loss curve as typed arrays', () => {
    expectSameCurve(runTypedArrays(small), runTensors(small));
  });

  it('autograd with noGrad updates follows the same loss curve as manual gradients', () => {
    expectSameCurve(runTensors(small), runAutograd(small));
  });

  it('the "-=" pitfall: rebinding w1 gives a new tensor without grad, so w1.grad.zero_() fails', () => {
    const r = demonstrateRebindingPitfall(small, () => {});
    expect(r.sameObjectAfterSub_).toBe(true);
    expect(r.sameObjectAfterRebind).toBe(false);
    expect(r.requiresGradAfterRebind).toBe(false);
    expect(r.gradAfterRebind).toBeNull();
    expect(r.zeroError).toMatch(/null/);
  });

  it('nn.Sequential + SGD from the same weights follows the same loss curve as autograd', () => {
    expectSameCurve(runAutograd(small), runNnOptim(small, { optimizer: 'sgd', sameWeights: true }));
  });

  it('nn.Sequential + MSELoss(sum) + Adam: the loss falls', () => {
    const losses = runNnOptim({ ...small, steps: 60 }, { optimizer: 'adam', lr: 1e-2 });
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.1);
  });
});
