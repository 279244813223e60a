import { describe, expect, it } from 'vitest';
import { run } from '../src/lenet.js';

describe('LeNet (seed 004, neural networks)', () => {
  it('prints the module, has 10 parameter tensors, backpropagates and learns', () => {
    const r = run(() => {});
    expect(r.repr).toBe(
      [
        'Net(',
        '  (conv1): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))',
        '  (conv2): Conv2d(6, 16, kernel_size=(5, 5), stride=(1, 1))',
        '  (fc1): Linear(in_features=400, out_features=120, bias=True)',
        '  (fc2): Linear(in_features=120, out_features=84, bias=True)',
        '  (fc3): Linear(in_features=84, out_features=10, bias=True)',
        ')',
      ].join('\n'),
    );
    expect(r.paramCount).toBe(10);
    expect(r.firstParamShape).toEqual([6, 1, 5, 5]);
    expect(r.outShape).toEqual([1, 10]);
    expect(r.biasGradBefore).toBeNull();
    expect(r.biasGradAfter).toHaveLength(6);
    expect(r.biasGradAfter.some((g) => g !== 0)).toBe(true);
    expect(r.lossAfterManual).toBeLessThan(r.lossBefore);
    expect(r.lossAfterSgd).toBeLessThan(r.lossAfterManual);
  });
});
