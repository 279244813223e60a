/** Optimizer steps free their temporaries: the live-tensor count stays flat over long loops. */
import { describe, expect, it } from 'vitest';
import { memory, tensor } from '@kiln/tensor';
import * as optim from '../src/index.js';

type Ctor = new (params: optim.Params, options: Record<string, unknown>) => optim.Optimizer;
const configs: [string, Record<string, unknown>][] = [
  ['SGD', { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 0.1 }],
  ['Adam', { amsgrad: true, weightDecay: 0.1, maximize: true }],
  ['AdamW', { amsgrad: true }],
  ['Adagrad', { lrDecay: 0.1, weightDecay: 0.1 }],
  ['RMSprop', { centered: true, momentum: 0.9, weightDecay: 0.1 }],
  ['Adadelta', { weightDecay: 0.1 }],
  ['Adamax', { weightDecay: 0.1 }],
  ['NAdam', { weightDecay: 0.1 }],
  ['RAdam', { weightDecay: 0.1 }],
];

describe('no tensor leaks', () => {
  for (const [name, options] of configs) {
    it(`${name}: 200 steps keep the live-tensor count flat`, () => {
      const p = tensor([1, 2, 3], { dtype: 'float64' });
      p.grad = tensor([0.5, -0.5, 0.25], { dtype: 'float64' });
      const opt = new (optim as unknown as Record<string, Ctor>)[name]!([p], options);
      opt.step(); // creates the state
      const before = memory().tensors;
      for (let i = 0; i < 200; i++) opt.step();
      expect(memory().tensors).toBe(before);
    });
  }
});
