/**
 * Gradients of the unary elementwise primitives (derivatives.yaml formulas). `x` is the input,
 * `y` the output; rules that can use the output save it instead of the input, as PyTorch does.
 * @packageDocumentation
 */
import { defineOp, dispatch1, tidy, zerosLike, type Tensor } from '@kiln/tensor';
import { defineGrad, type GradContext } from './registry.js';

type Formula = (g: Tensor, x: () => Tensor, y: () => Tensor) => Tensor;

function unary(op: string, name: string, uses: 'input' | 'output' | 'none', f: Formula): void {
  defineGrad(op, {
    name,
    saveInputs: () => (uses === 'input' ? [0] : []),
    saveOutputs: uses === 'output' ? [0] : [],
    backward: (g, ctx: GradContext) => [f(g, () => ctx.input(0), () => ctx.output(0))],
  });
}

const SQRT_PI = Math.sqrt(Math.PI);

unary('neg', 'NegBackward0', 'none', (g) => g.neg());
unary('abs', 'AbsBackward0', 'input', (g, x) => g.mul(x().sign()));
unary('sqrt', 'SqrtBackward0', 'output', (g, _x, y) => g.div(y().mul(2)));
unary('rsqrt', 'RsqrtBackward0', 'output', (g, _x, y) => g.mul(y().pow(3)).mul(-0.5));
unary('square', 'PowBackward0', 'input', (g, x) => g.mul(x().mul(2)));
unary('exp', 'ExpBackward0', 'output', (g, _x, y) => g.mul(y()));
unary('exp2', 'Exp2Backward0', 'output', (g, _x, y) => g.mul(y()).mul(Math.LN2));
unary('expm1', 'Expm1Backward0', 'output', (g, _x, y) => g.mul(y().add(1)));
unary('log', 'LogBackward0', 'input', (g, x) => g.div(x()));
unary('log2', 'Log2Backward0', 'input', (g, x) => g.div(x().mul(Math.LN2)));
unary('log1p', 'Log1PBackward0', 'input', (g, x) => g.div(x().add(1)));
unary('sin', 'SinBackward0', 'input', (g, x) => g.mul(x().cos()));
unary('cos', 'CosBackward0', 'input', (g, x) => g.mul(x().sin().neg()));
unary('tan', 'TanBackward0', 'output', (g, _x, y) => g.mul(y().square().add(1)));
unary('asin', 'AsinBackward0', 'input', (g, x) => g.div(x().square().neg().add(1).sqrt()));
unary('acos', 'AcosBackward0', 'input', (g, x) => g.div(x().square().neg().add(1).sqrt()).neg());
unary('atan', 'AtanBackward0', 'input', (g, x) => g.div(x().square().add(1)));
unary('sinh', 'SinhBackward0', 'input', (g, x) => g.mul(x().cosh()));
unary('cosh', 'CoshBackward0', 'input', (g, x) => g.mul(x().sinh()));
unary('tanh', 'TanhBackward0', 'output', (g, _x, y) => g.mul(y().square().neg().add(1)));
unary('sigmoid', 'SigmoidBackward0', 'output', (g, _x, y) => {
  const s = y();
  return g.mul(s.mul(s.neg().add(1)));
});
/**
 * PyTorch's threshold_backward as an op of its own: `g` where `y > threshold`, else 0 (so relu's
 * gradient at 0 is 0, as in PyTorch). Being one op lets a backend run it as one pass (the CPU
 * backend does) instead of a comparison plus a select over the activation; it has its own
 * gradient so double backward through relu still works.
 */
defineOp({
  name: 'thresholdBackward',
  impl: ([g, y], a) => [tidy(() => g!.where(y!.gt(a.threshold as number), 0))],
  vjp: ({ inputs, gradOutputs, attrs, needsInputGrad }) => [
    needsInputGrad[0] ? gradOutputs[0]!.where(inputs[1]!.gt(attrs.threshold as number), 0) : null,
    null,
  ],
});
unary('relu', 'ReluBackward0', 'output', (g, _x, y) => dispatch1('thresholdBackward', [g, y()], { threshold: 0 }));
unary('reciprocal', 'ReciprocalBackward0', 'output', (g, _x, y) => g.mul(y().square()).neg());
unary('erf', 'ErfBackward0', 'input', (g, x) => g.mul(x().square().neg().exp().mul(2 / SQRT_PI)));
unary('erfinv', 'ErfinvBackward0', 'output', (g, _x, y) => g.mul(y().square().exp().mul(SQRT_PI / 2)));

// piecewise-constant ops: recorded (PyTorch names them) with a zero gradient
for (const [op, name] of [['sign', 'SignBackward0'], ['floor', 'FloorBackward0'], ['ceil', 'CeilBackward0'], ['round', 'RoundBackward0'], ['trunc', 'TruncBackward0']] as const) {
  unary(op, name, 'none', (g) => zerosLike(g));
}
