import { describe, expect, it } from 'vitest';
import { backendOf, defineOp, dispatch1, getDevice, noGrad, tensor, type Tensor } from '@kiln/tensor';
import { gradcheck } from '@kiln/autograd';

// a composite op without a gradient rule: log(1 + exp(x))
defineOp({ name: 'test.softplus', impl: ([x]) => [x!.exp().log1p()] });
const softplus = (x: Tensor) => dispatch1('test.softplus', [x]);

describe('composites without a rule', () => {
  it('are differentiated through their decomposition', () => {
    const x = tensor([-1, 0.5, 2], { dtype: 'float64', requiresGrad: true });
    expect(softplus(x).gradFn!.name()).toBe('Log1PBackward0');
    expect(gradcheck(softplus, [x])).toBe(true);
  });

  it("ignore a backend's fused override (it has no gradient) while recording", () => {
    const cpu = backendOf(getDevice('cpu'));
    let calls = 0;
    const overrides = ((cpu as { overrides?: Record<string, unknown> }).overrides ??= {});
    overrides['test.softplus'] = (inputs: readonly unknown[]) => {
      calls++;
      return noGrad(() => (inputs[0] as Tensor).exp().log1p());
    };
    try {
      const x = tensor([-1, 0.5, 2], { dtype: 'float64', requiresGrad: true });
      softplus(x).sum().backward();
      expect(calls).toBe(0);
      expect(x.grad!.allclose(x.detach().sigmoid())).toBe(true);
      noGrad(() => softplus(x)); // without grad the fused kernel is used
      expect(calls).toBe(1);
    } finally {
      delete overrides['test.softplus'];
    }
  });
});
