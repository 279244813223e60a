/**
 * Gradients of binary elementwise primitives and `where`. Inputs were broadcast, so each input
 * gradient is summed back to the input's shape ({@link toInput}).
 * @packageDocumentation
 */
import type { Tensor } from '@kiln/tensor';
import { defineGrad, type GradContext } from './registry.js';
import { toInput } from './util.js';

type Pair = (g: Tensor, ctx: GradContext) => [Tensor | null, Tensor | null];

/** `uses[i]`: inputs the gradient of input i reads (only those are saved). */
function binary(op: string, name: string | ((a: Readonly<Record<string, unknown>>, i: readonly { shape: number[] }[]) => string), uses: [number[], number[]], f: Pair): void {
  defineGrad(op, {
    name,
    saveInputs: (needs) => [...new Set([...(needs[0] ? uses[0] : []), ...(needs[1] ? uses[1] : [])])],
    backward: (g, ctx) => {
      const [ga, gb] = f(g, ctx);
      return [ga && ctx.needs[0] ? toInput(ga, ctx.inputs[0]!) : null, gb && ctx.needs[1] ? toInput(gb, ctx.inputs[1]!) : null];
    },
  });
}

const a = (c: GradContext) => c.input(0);
const b = (c: GradContext) => c.input(1);

binary('add', 'AddBackward0', [[], []], (g) => [g, g]);
binary('sub', 'SubBackward0', [[], []], (g) => [g, g.neg()]);
binary('mul', 'MulBackward0', [[1], [0]], (g, c) => [c.needs[0] ? g.mul(b(c)) : null, c.needs[1] ? g.mul(a(c)) : null]);
binary('div', 'DivBackward0', [[1], [0, 1]], (g, c) => [
  c.needs[0] ? g.div(b(c)) : null,
  c.needs[1] ? g.neg().mul(a(c)).div(b(c).square()) : null,
]);
// pow_backward: exponent 0 gives 0 (not 0 * x^-1 = nan at x = 0); d/db uses log(a), 0 where a = 0 and b >= 0
binary('pow', (_a, i) => (i[1]!.shape.length === 0 ? 'PowBackward0' : 'PowBackward1'), [[0, 1], [0, 1]], (g, c) => {
  const x = a(c), e = b(c);
  const ga = c.needs[0] ? g.mul(e).mul(x.pow(e.sub(1))).where(e.ne(0), 0) : null;
  const gb = c.needs[1] ? g.mul(x.pow(e).mul(x.log())).where(x.eq(0).logicalAnd(e.ge(0)).logicalNot(), 0) : null;
  return [ga, gb];
});
// ties split the gradient in half (derivatives.yaml: maximum/minimum)
for (const [op, name] of [['maximum', 'MaximumBackward0'], ['minimum', 'MinimumBackward0']] as const) {
  binary(op, name, [[0, 1], [0, 1]], (g, c) => {
    const x = a(c), y = b(c);
    const half = g.where(x.ne(y), g.div(2));
    const aWins = op === 'maximum' ? x.gt(y) : x.lt(y);
    const bWins = op === 'maximum' ? x.lt(y) : x.gt(y);
    return [c.needs[0] ? half.where(bWins.logicalNot(), 0) : null, c.needs[1] ? half.where(aWins.logicalNot(), 0) : null];
  });
}
binary('remainder', 'RemainderBackward0', [[], [0, 1]], (g, c) => [g, c.needs[1] ? g.neg().mul(a(c).div(b(c), { roundingMode: 'floor' })) : null]);
binary('fmod', 'FmodBackward0', [[], [0, 1]], (g, c) => [g, c.needs[1] ? g.neg().mul(a(c).div(b(c), { roundingMode: 'trunc' })) : null]);
binary('atan2', 'Atan2Backward0', [[0, 1], [0, 1]], (g, c) => {
  const x = a(c), y = b(c);
  const r = x.square().add(y.square());
  return [c.needs[0] ? g.mul(y).div(r) : null, c.needs[1] ? g.mul(x).neg().div(r) : null];
});

defineGrad('where', {
  name: 'WhereBackward0',
  saveInputs: () => [0],
  backward: (g, c) => {
    const cond = c.input(0);
    return [null, c.needs[1] ? toInput(g.where(cond, 0), c.inputs[1]!) : null, c.needs[2] ? toInput(g.where(cond.logicalNot(), 0), c.inputs[2]!) : null];
  },
});
