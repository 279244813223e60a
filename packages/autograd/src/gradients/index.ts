/**
 * Gradients of the index primitives gather, scatter, scatterAdd and sort.
 * @packageDocumentation
 */
import { zeros } from '@kiln/tensor';
import { defineGrad } from './registry.js';

const dim = (a: Readonly<Record<string, unknown>>) => a.dim as number;

// gather reads x at index: its gradient scatter-adds back (repeated indices add up)
defineGrad('gather', {
  name: 'GatherBackward0',
  saveInputs: () => [1],
  backward: (g, c) => {
    const info = c.inputs[0]!;
    return [zeros(info.shape, { dtype: g.dtype, device: g.device }).scatterAdd(dim(c.attrs), c.input(1), g), null];
  },
});

// scatter overwrites x at index: those positions get no gradient; src gets what was written
defineGrad('scatter', {
  name: 'ScatterBackward0',
  saveInputs: () => [1],
  backward: (g, c) => {
    const idx = c.input(1);
    return [c.needs[0] ? g.scatter(dim(c.attrs), idx, 0) : null, null, c.needs[2] ? g.gather(dim(c.attrs), idx) : null];
  },
});

defineGrad('scatterAdd', {
  name: 'ScatterAddBackward0',
  saveInputs: () => [1],
  backward: (g, c) => [c.needs[0] ? g : null, null, c.needs[2] ? g.gather(dim(c.attrs), c.input(1)) : null],
});

// sort permutes along dim: send each value's gradient back to where it came from
defineGrad('sort', {
  name: 'SortBackward0',
  saveOutputs: [1],
  backward: (g, c) => {
    const info = c.inputs[0]!;
    if (info.shape.length === 0) return [g];
    return [zeros(info.shape, { dtype: g.dtype, device: g.device }).scatterAdd(dim(c.attrs), c.output(1), g)];
  },
});
