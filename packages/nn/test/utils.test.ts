/** nn.utils against PyTorch (fixtures/utils.json from tools/fixtures/nn_utils.py) and summary's table. */
import { tensor, type Tensor } from '@kiln/tensor';
import { describe, expect, it } from 'vitest';
import * as nn from '../src/index.js';
import fx from './fixtures/utils.json' with { type: 'json' };

function params(): nn.Parameter[] {
  return fx.grads.map((g) => {
    const p = new nn.Parameter(tensor(g as number[]).mul(0));
    p.grad = tensor(g as number[]);
    return p;
  });
}

function expectNested(a: unknown, b: unknown): void {
  if (Array.isArray(b)) {
    expect(Array.isArray(a)).toBe(true);
    (b as unknown[]).forEach((x, i) => expectNested((a as unknown[])[i], x));
  } else expect(a as number).toBeCloseTo(b as number, 5);
}

describe('clipGradNorm_ / clipGradValue_', () => {
  for (const c of fx.clipNorm) {
    it(`norm ${c.normType}, maxNorm ${c.maxNorm}`, () => {
      const ps = params();
      const total = nn.utils.clipGradNorm_(ps, c.maxNorm, { normType: c.normType === 'inf' ? Infinity : (c.normType as number) });
      expect(total.item() as number).toBeCloseTo(c.total, 5);
      ps.forEach((p, i) => expectNested(p.grad!.tolist(), c.grads[i]));
    });
  }
  it('clipGradValue_ clamps', () => {
    const ps = params();
    nn.clipGradValue_(ps, 1);
    ps.forEach((p, i) => expectNested(p.grad!.tolist(), fx.clipValue[i]));
  });
  it('errorIfNonfinite', () => {
    const p = new nn.Parameter(tensor([1.5]));
    p.grad = tensor([Infinity]);
    expect(() => nn.clipGradNorm_([p], 1, { errorIfNonfinite: true })).toThrow('The total norm of order 2.0 for gradients from `parameters` is non-finite');
    expect(nn.clipGradNorm_([], 1).item()).toBe(0);
  });
});

describe('parametersToVector / vectorToParameters', () => {
  it('round-trips in parameter order', () => {
    const ps = params().map((p) => p.grad!) as Tensor[];
    const v = nn.parametersToVector(ps);
    expectNested(v.tolist(), fx.vector);
    const targets = params();
    nn.vectorToParameters(v.mul(2), targets);
    expectNested(targets[1]!.tolist(), [8, -3]);
    expect(() => nn.vectorToParameters(v.narrow(0, 0, 3), targets)).toThrow('vec has 3 elements but the parameters hold 8');
  });
});

describe('utils.rnn.padSequence', () => {
  it('pads to the longest sequence', () => {
    const seqs = [tensor([1.0, 2, 3]), tensor([4.0]), tensor([5.0, 6])];
    expect(nn.utils.rnn.padSequence(seqs).tolist()).toEqual(fx.padSequence);
    expect(nn.utils.rnn.padSequence(seqs, { batchFirst: true, paddingValue: -1 }).tolist()).toEqual(fx.padSequenceBatchFirst);
  });
});

describe('summary', () => {
  it('prints leaf layers with output shapes and parameter counts (torchsummary format)', () => {
    const model = new nn.Sequential(new nn.Conv2d(1, 6, 5), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(6 * 12 * 12, 10));
    model.get(0).requiresGrad_(false);
    const text = nn.summary(model, [1, 28, 28]);
    expect(text).toBe(
      [
        '----------------------------------------------------------------',
        '        Layer (type)               Output Shape         Param #',
        '================================================================',
        '            Conv2d-1            [-1, 6, 24, 24]             156',
        '              ReLU-2            [-1, 6, 24, 24]               0',
        '         MaxPool2d-3            [-1, 6, 12, 12]               0',
        '           Flatten-4                  [-1, 864]               0',
        '            Linear-5                   [-1, 10]           8,650',
        '================================================================',
        'Total params: 8,806',
        'Trainable params: 8,650',
        'Non-trainable params: 156',
        '----------------------------------------------------------------',
        'Input size (MB): 0.01',
        'Forward/backward pass size (MB): 0.07',
        'Params size (MB): 0.03',
        'Estimated Total Size (MB): 0.11',
        '----------------------------------------------------------------',
      ].join('\n'),
    );
  });
});
