import { describe, expect, it } from 'vitest';
import { Tensor, defineOp, dispatch, dispatch1, tensor } from '@kiln/tensor';
import { gradcheck, gradgradcheck, grad } from '@kiln/autograd';

// an op defined outside tensor that carries its own gradient rule, as functional's conv2d does
defineOp({
  name: 'test.cube',
  impl: ([x]) => [x!.mul(x!).mul(x!)],
  vjp: ({ inputs, gradOutputs }) => [gradOutputs[0]!.mul(inputs[0]!.square()).mul(3)],
});

// two differentiable outputs: both output gradients reach the vjp
defineOp({
  name: 'test.sinCos',
  impl: ([x]) => [x!.sin(), x!.cos()],
  vjp: ({ inputs, gradOutputs }) => [gradOutputs[0]!.mul(inputs[0]!.cos()).sub(gradOutputs[1]!.mul(inputs[0]!.sin()))],
});

const cube = (x: Tensor) => dispatch1('test.cube', [x]);

describe('OpDef.vjp', () => {
  it('records one node named after the op and uses its rule (also for higher orders)', () => {
    const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const y = cube(x);
    expect(y.gradFn!.name()).toBe('Test.cubeBackward0');
    expect(y.gradFn!.nextFunctions.map(([n]) => n?.name())).toEqual(['AccumulateGrad']);
    expect(gradcheck(cube, [x])).toBe(true);
    expect(gradgradcheck(cube, [x])).toBe(true);
  });

  it('passes the gradients of every output', () => {
    const x = tensor([0.3, 1.1], { dtype: 'float64', requiresGrad: true });
    const [s, c] = dispatch('test.sinCos', [x]);
    const [g] = grad(s!.add(c!.mul(2)).sum(), x);
    const expected = x.detach().cos().sub(x.detach().sin().mul(2));
    expect(g!.allclose(expected)).toBe(true);
  });
});
