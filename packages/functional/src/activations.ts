/**
 * Elementwise activations (torch.nn.functional). Each is composed from tensor primitives, so
 * autograd differentiates it through its decomposition; the compositions are chosen so that the
 * branch a `where` discards can never overflow (an `inf` there would turn its zero gradient into
 * NaN), e.g. `elu` takes `expm1(min(x, 0))`.
 *
 * Single hyper-parameters may be passed positionally as in PyTorch (`leakyRelu(x, 0.2)`) or in
 * the options object (`leakyRelu(x, { negativeSlope: 0.2 })`).
 * @packageDocumentation
 */
import { ShapeError, ValueError, fmtShape, randLike, where, type Tensor } from '@kiln/tensor';
import { checkFloat, maybeInplace, numOrOpt } from './util.js';

/** PyTorch's `inplace` flag: write the result into the input and return it. */
export interface InplaceOptions {
  inplace?: boolean;
}

/** relu(x) = max(0, x). */
export function relu(input: Tensor, options: InplaceOptions = {}): Tensor {
  return maybeInplace(input, input.relu(), options.inplace);
}

/** In-place relu (PyTorch's `F.relu_`). */
export function relu_(input: Tensor): Tensor {
  return input.relu_();
}

/** hardtanh(x) = clamp(x, minVal, maxVal); the gradient is zero outside (minVal, maxVal). */
export function hardtanh(input: Tensor, minVal: number | (InplaceOptions & { minVal?: number; maxVal?: number }) = -1, maxVal = 1, options: InplaceOptions = {}): Tensor {
  checkFloat('hardtanh', input);
  let lo = -1, hi = maxVal, inplace = options.inplace;
  if (typeof minVal === 'number') lo = minVal;
  else {
    lo = minVal.minVal ?? -1;
    hi = minVal.maxVal ?? 1;
    inplace = minVal.inplace;
  }
  if (lo > hi) throw new ValueError(`hardtanh: minVal (${lo}) cannot be greater than maxVal (${hi})`);
  return maybeInplace(input, input.clamp(lo, hi), inplace);
}

/** relu6(x) = min(max(0, x), 6). */
export function relu6(input: Tensor, options: InplaceOptions = {}): Tensor {
  return hardtanh(input, 0, 6, options);
}

/** leakyRelu(x) = x if x > 0 else negativeSlope * x (default slope 0.01). */
export function leakyRelu(input: Tensor, negativeSlope?: number | (InplaceOptions & { negativeSlope?: number }), options: InplaceOptions = {}): Tensor {
  checkFloat('leakyRelu', input);
  const { value: s, options: o } = numOrOpt(negativeSlope, 'negativeSlope', 0.01);
  return maybeInplace(input, where(input.gt(0), input, input.mul(s)), o.inplace ?? options.inplace);
}

/** elu(x) = x if x > 0 else alpha * (exp(x) - 1). */
export function elu(input: Tensor, alpha?: number | (InplaceOptions & { alpha?: number }), options: InplaceOptions = {}): Tensor {
  checkFloat('elu', input);
  const { value: a, options: o } = numOrOpt(alpha, 'alpha', 1);
  const neg = input.clamp({ max: 0 }).expm1().mul(a);
  return maybeInplace(input, where(input.gt(0), input, neg), o.inplace ?? options.inplace);
}

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

/** selu(x) = scale * elu(x, alpha) with the self-normalising constants of Klambauer et al. */
export function selu(input: Tensor, options: InplaceOptions = {}): Tensor {
  return maybeInplace(input, elu(input, SELU_ALPHA).mul(SELU_SCALE), options.inplace);
}

/** celu(x) = max(0, x) + min(0, alpha * (exp(x / alpha) - 1)). */
export function celu(input: Tensor, alpha?: number | (InplaceOptions & { alpha?: number }), options: InplaceOptions = {}): Tensor {
  checkFloat('celu', input);
  const { value: a, options: o } = numOrOpt(alpha, 'alpha', 1);
  if (a === 0) throw new ValueError('celu: ZeroDivisionError, alpha cannot be 0 for CELU');
  const neg = input.clamp({ max: 0 }).div(a).expm1().mul(a);
  return maybeInplace(input, where(input.gt(0), input, neg), o.inplace ?? options.inplace);
}

/** gelu: exact `x * Φ(x)` (approximate 'none', the default) or the 'tanh' approximation. */
export function gelu(input: Tensor, options: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  checkFloat('gelu', input);
  const approx = options.approximate ?? 'none';
  if (approx === 'none') return input.mul(input.mul(Math.SQRT1_2).erf().add(1)).mul(0.5);
  if (approx !== 'tanh') throw new ValueError(`gelu: approximate argument must be either 'none' or 'tanh', got '${String(approx)}'`);
  const inner = input.add(input.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
  return input.mul(inner.tanh().add(1)).mul(0.5);
}

/** silu(x) = x * sigmoid(x) (also called swish). */
export function silu(input: Tensor, options: InplaceOptions = {}): Tensor {
  checkFloat('silu', input);
  return maybeInplace(input, input.mul(input.sigmoid()), options.inplace);
}

/** mish(x) = x * tanh(softplus(x)). */
export function mish(input: Tensor, options: InplaceOptions = {}): Tensor {
  checkFloat('mish', input);
  return maybeInplace(input, input.mul(softplus(input).tanh()), options.inplace);
}

/** sigmoid(x) = 1 / (1 + exp(-x)). */
export function sigmoid(input: Tensor): Tensor {
  return input.sigmoid();
}

/** tanh(x). */
export function tanh(input: Tensor): Tensor {
  return input.tanh();
}

/** logSigmoid(x) = log(sigmoid(x)), computed as `min(x, 0) - log1p(exp(-|x|))` so it never overflows. */
export function logSigmoid(input: Tensor): Tensor {
  checkFloat('logSigmoid', input);
  return input.clamp({ max: 0 }).sub(input.abs().neg().exp().log1p());
}

/** hardsigmoid(x) = relu6(x + 3) / 6. */
export function hardsigmoid(input: Tensor, options: InplaceOptions = {}): Tensor {
  checkFloat('hardsigmoid', input);
  return maybeInplace(input, input.add(3).clamp(0, 6).div(6), options.inplace);
}

/** hardswish(x) = x * relu6(x + 3) / 6. */
export function hardswish(input: Tensor, options: InplaceOptions = {}): Tensor {
  checkFloat('hardswish', input);
  return maybeInplace(input, input.mul(input.add(3).clamp(0, 6)).div(6), options.inplace);
}

/**
 * softplus(x) = log(1 + exp(beta * x)) / beta, and x itself where `beta * x > threshold`
 * (defaults beta 1, threshold 20), as in PyTorch.
 */
export function softplus(input: Tensor, options: { beta?: number; threshold?: number } = {}): Tensor {
  checkFloat('softplus', input);
  const beta = options.beta ?? 1, threshold = options.threshold ?? 20;
  const bx = input.mul(beta);
  const soft = bx.clamp({ max: threshold }).exp().log1p().div(beta);
  return where(bx.gt(threshold), input, soft);
}

/** softsign(x) = x / (1 + |x|). */
export function softsign(input: Tensor): Tensor {
  checkFloat('softsign', input);
  return input.div(input.abs().add(1));
}

/** softshrink(x) = x - lambd if x > lambd, x + lambd if x < -lambd, else 0 (lambd 0.5). */
export function softshrink(input: Tensor, lambd?: number | { lambd?: number }): Tensor {
  checkFloat('softshrink', input);
  const { value: l } = numOrOpt(lambd, 'lambd', 0.5);
  if (l < 0) throw new ValueError(`softshrink: lambda must be greater or equal to 0, but found to be ${l}.`);
  return where(input.gt(l), input.sub(l), where(input.lt(-l), input.add(l), 0));
}

/** hardshrink(x) = x if |x| > lambd else 0 (lambd 0.5). */
export function hardshrink(input: Tensor, lambd?: number | { lambd?: number }): Tensor {
  checkFloat('hardshrink', input);
  const { value: l } = numOrOpt(lambd, 'lambd', 0.5);
  return where(input.abs().gt(l), input, 0);
}

/** tanhshrink(x) = x - tanh(x). */
export function tanhshrink(input: Tensor): Tensor {
  checkFloat('tanhshrink', input);
  return input.sub(input.tanh());
}

/** threshold(x, threshold, value) = x if x > threshold else value (both required, as in PyTorch). */
export function threshold(input: Tensor, threshold: number, value: number, options: InplaceOptions = {}): Tensor {
  checkFloat('threshold', input);
  return maybeInplace(input, where(input.gt(threshold), input, value), options.inplace);
}

/** glu(x, dim) = a * sigmoid(b) where a, b are the halves of `x` along `dim` (default -1). */
export function glu(input: Tensor, dim = -1): Tensor {
  checkFloat('glu', input);
  const n = input.size(dim);
  if (n % 2 !== 0) throw new ShapeError(`glu: Halving dimension must be even, but dimension ${dim} is size ${n} (input ${fmtShape(input.shape)})`);
  const [a, b] = input.chunk(2, dim) as [Tensor, Tensor];
  return a.mul(b.sigmoid());
}

/** prelu(x, weight) = x if x > 0 else weight * x; `weight` has 1 or C (channel dim 1) entries. */
export function prelu(input: Tensor, weight: Tensor): Tensor {
  checkFloat('prelu', input);
  const n = weight.numel();
  if (n !== 1 && (input.ndim < 2 || input.shape[1] !== n)) {
    throw new ShapeError(`prelu: Mismatch of parameter numbers and input channel size. Found parameter numbers = ${n} and channel size = ${input.ndim < 2 ? 1 : input.shape[1]} (input ${fmtShape(input.shape)}); weight must have 1 or C entries`);
  }
  const w = n === 1 ? weight.reshape([]) : weight.reshape([n, ...Array<number>(input.ndim - 2).fill(1)]);
  return where(input.gt(0), input, input.mul(w));
}

/**
 * Randomized leaky ReLU: in training the negative slope of each element is drawn from
 * U(lower, upper) (global generator); otherwise it is (lower + upper) / 2. Defaults 1/8, 1/3,
 * training false (F.rrelu's default).
 */
export function rrelu(input: Tensor, options: InplaceOptions & { lower?: number; upper?: number; training?: boolean } = {}): Tensor {
  checkFloat('rrelu', input);
  const lower = options.lower ?? 1 / 8, upper = options.upper ?? 1 / 3;
  const slope = options.training ? randLike(input).mul(upper - lower).add(lower) : (lower + upper) / 2;
  return maybeInplace(input, where(input.ge(0), input, input.mul(slope)), options.inplace);
}

/** In-place elu (PyTorch's `F.elu_`). */
export function elu_(input: Tensor, alpha = 1): Tensor {
  return elu(input, alpha, { inplace: true });
}

/** In-place leakyRelu (PyTorch's `F.leaky_relu_`). */
export function leakyRelu_(input: Tensor, negativeSlope = 0.01): Tensor {
  return leakyRelu(input, negativeSlope, { inplace: true });
}

/** In-place hardtanh (PyTorch's `F.hardtanh_`). */
export function hardtanh_(input: Tensor, minVal = -1, maxVal = 1): Tensor {
  return hardtanh(input, minVal, maxVal, { inplace: true });
}

/** In-place threshold (PyTorch's `F.threshold_`). */
export function threshold_(input: Tensor, thresholdValue: number, value: number): Tensor {
  return threshold(input, thresholdValue, value, { inplace: true });
}
