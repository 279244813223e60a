import { describe, expect, it } from 'vitest';
import { run as runTypedArrays } from '../src/two-layer-net/01-typed-arrays.js';
import { run as runTensors } from '../src/two-layer-net/02-tensors.js';
import type { TwoLayerConfig } from '../src/two-layer-net/config.js';

// Smaller than the tutorial so the smoke test takes well under a second per variant.
const small: TwoLayerConfig = { N: 16, Din: 50, H: 20, Dout: 5, steps: 30, learningRate: 1e-4, seed: 0 };

describe('two-layer net (seed 001)', () => {
  it('typed arrays with manual backprop: the loss falls', () => {
    const losses = runTypedArrays(small);
    expect(losses).toHaveLength(30);
    expect(losses[29]!).toBeLessThan(losses[0]! * 0.5);
  });

  it('Kiln tensors with manual gradients follow the same loss curve as typed arrays', () => {
    const a = runTypedArrays(small);
    const b = runTensors(small);
    for (let i = 0; i < a.length; i++) expect(Math.abs(b[i]! - a[i]!)).toBeLessThanOrEqual(1e-4 * Math.abs(a[i]!));
  });
});
