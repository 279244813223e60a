/**
 * Activation modules: thin wrappers over the F.* function of the same name.
 *
 * Reprs follow PyTorch. Python prints a number the way it was typed (`1` vs `1.0`); JavaScript has
 * one number type, so Kiln prints each option the way PyTorch prints its default (ELU's `alpha`
 * as a float, Softplus's `beta` as an int).
 * @packageDocumentation
 */
import { full, randLike, ValueError, type Tensor } from '@kiln/tensor';
import * as F from '@kiln/functional';
import { newParam, type FactoryOptions } from './linear.js';
import { Module } from './module.js';
import type { Parameter } from './parameter.js';
import { py, pyFloat } from './shape-check.js';

const inplaceOnly = (inplace: boolean): string => (inplace ? 'inplace=True' : '');
const inplaceTail = (inplace: boolean): string => (inplace ? ', inplace=True' : '');

/** Options of activations that can work in place. */
export interface InplaceOptions {
  inplace?: boolean;
}

/** max(0, x) (torch.nn.ReLU). */
export class ReLU extends Module {
  readonly inplace: boolean;
  /** `new ReLU()` or `new ReLU({ inplace: true })`. */
  constructor(options: InplaceOptions = {}) {
    super();
    this.inplace = options.inplace ?? false;
  }
  /** F.relu. */
  override forward(input: Tensor): Tensor {
    return F.relu(input, { inplace: this.inplace });
  }
  override extraRepr(): string {
    return inplaceOnly(this.inplace);
  }
}

/** min(max(0, x), 6) (torch.nn.ReLU6). */
export class ReLU6 extends Module {
  readonly inplace: boolean;
  /** `new ReLU6()`. */
  constructor(options: InplaceOptions = {}) {
    super();
    this.inplace = options.inplace ?? false;
  }
  /** F.relu6. */
  override forward(input: Tensor): Tensor {
    return F.relu6(input, { inplace: this.inplace });
  }
  override extraRepr(): string {
    return inplaceOnly(this.inplace);
  }
}

/** max(0, x) + negativeSlope · min(0, x) (torch.nn.LeakyReLU). */
export class LeakyReLU extends Module {
  readonly inplace: boolean;
  /** `new LeakyReLU(0.2)`. */
  constructor(readonly negativeSlope = 0.01, options: InplaceOptions = {}) {
    super();
    this.inplace = options.inplace ?? false;
  }
  /** F.leakyRelu. */
  override forward(input: Tensor): Tensor {
    return F.leakyRelu(input, this.negativeSlope, { inplace: this.inplace });
  }
  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}${inplaceTail(this.inplace)}`;
  }
}

/** x if x > 0 else alpha · (exp(x) − 1) (torch.nn.ELU). */
export class ELU extends Module {
  readonly alpha: number;
  readonly inplace: boolean;
  /** `new ELU({ alpha: 0.5 })`. */
  constructor(options: { alpha?: number } & InplaceOptions = {}) {
    super();
    this.alpha = options.alpha ?? 1;
    this.inplace = options.inplace ?? false;
  }
  /** F.elu. */
  override forward(input: Tensor): Tensor {
    return F.elu(input, { alpha: this.alpha, inplace: this.inplace });
  }
  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}${inplaceTail(this.inplace)}`;
  }
}

/** max(0, x) + min(0, alpha · (exp(x/alpha) − 1)) (torch.nn.CELU). */
export class CELU extends Module {
  readonly alpha: number;
  readonly inplace: boolean;
  /** `new CELU({ alpha: 1.0 })`. */
  constructor(options: { alpha?: number } & InplaceOptions = {}) {
    super();
    this.alpha = options.alpha ?? 1;
    this.inplace = options.inplace ?? false;
  }
  /** F.celu. */
  override forward(input: Tensor): Tensor {
    return F.celu(input, { alpha: this.alpha, inplace: this.inplace });
  }
  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}${inplaceTail(this.inplace)}`;
  }
}

/** Scaled ELU (torch.nn.SELU). */
export class SELU extends Module {
  readonly inplace: boolean;
  /** `new SELU()`. */
  constructor(options: InplaceOptions = {}) {
    super();
    this.inplace = options.inplace ?? false;
  }
  /** F.selu. */
  override forward(input: Tensor): Tensor {
    return F.selu(input, { inplace: this.inplace });
  }
  override extraRepr(): string {
    return inplaceOnly(this.inplace);
  }
}

/** Gaussian error linear unit, exact or `approximate: 'tanh'` (torch.nn.GELU). */
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';
  /** `new GELU()` or `new GELU({ approximate: 'tanh' })`. */
  constructor(options: { approximate?: 'none' | 'tanh' } = {}) {
    super();
    this.approximate = options.approximate ?? 'none';
  }
  /** F.gelu. */
  override forward(input: Tensor): Tensor {
    return F.gelu(input, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return `approximate=${py(this.approximate)}`;
  }
}

/** x · sigmoid(x) (torch.nn.SiLU). */
export class SiLU extends Module {
  readonly inplace: boolean;
  /** `new SiLU()`. */
  constructor(options: InplaceOptions = {}) {
    super();
    this.inplace = options.inplace ?? false;
  }
  /** F.silu. */
  override forward(input: Tensor): Tensor {
    return F.silu(input, { inplace: this.inplace });
  }
  override extraRepr(): string {
    return inplaceOnly(this.inplace);
  }
}

/** x · tanh(softplus(x)) (torch.nn.Mish). */
export class Mish extends Module {
  readonly inplace: boolean;
  /** `new Mish()`. */
  constructor(options: InplaceOptions = {}) {
    super();
    this.inplace = options.inplace ?? false;
  }
  /** F.mish. */
  override forward(input: Tensor): Tensor {
    return F.mish(input, { inplace: this.inplace });
  }
  override extraRepr(): string {
    return inplaceOnly(this.inplace);
  }
}

/** 1 / (1 + exp(−x)) (torch.nn.Sigmoid). */
export class Sigmoid extends Module {
  /** F.sigmoid. */
  override forward(input: Tensor): Tensor {
    return F.sigmoid(input);
  }
}

/** log(sigmoid(x)) (torch.nn.LogSigmoid). */
export class LogSigmoid extends Module {
  /** F.logSigmoid. */
  override forward(input: Tensor): Tensor {
    return F.logSigmoid(input);
  }
}

/** tanh(x) (torch.nn.Tanh). */
export class Tanh extends Module {
  /** F.tanh. */
  override forward(input: Tensor): Tensor {
    return F.tanh(input);
  }
}

/** x − tanh(x) (torch.nn.Tanhshrink). */
export class Tanhshrink extends Module {
  /** F.tanhshrink. */
  override forward(input: Tensor): Tensor {
    return F.tanhshrink(input);
  }
}

/** x / (1 + |x|) (torch.nn.Softsign). */
export class Softsign extends Module {
  /** F.softsign. */
  override forward(input: Tensor): Tensor {
    return F.softsign(input);
  }
}

/** Clamps to [minVal, maxVal] (torch.nn.Hardtanh). */
export class Hardtanh extends Module {
  readonly inplace: boolean;
  /** `new Hardtanh(-2, 2)`. */
  constructor(readonly minVal = -1, readonly maxVal = 1, options: InplaceOptions = {}) {
    super();
    if (maxVal <= minVal) throw new ValueError('max_val must be greater than min_val');
    this.inplace = options.inplace ?? false;
  }
  /** F.hardtanh. */
  override forward(input: Tensor): Tensor {
    return F.hardtanh(input, this.minVal, this.maxVal, { inplace: this.inplace });
  }
  override extraRepr(): string {
    return `min_val=${pyFloat(this.minVal)}, max_val=${pyFloat(this.maxVal)}${inplaceTail(this.inplace)}`;
  }
}

/** Piecewise-linear sigmoid (torch.nn.Hardsigmoid). */
export class Hardsigmoid extends Module {
  readonly inplace: boolean;
  /** `new Hardsigmoid()`. */
  constructor(options: InplaceOptions = {}) {
    super();
    this.inplace = options.inplace ?? false;
  }
  /** F.hardsigmoid. */
  override forward(input: Tensor): Tensor {
    return F.hardsigmoid(input, { inplace: this.inplace });
  }
}

/** x · hardsigmoid(x) (torch.nn.Hardswish). */
export class Hardswish extends Module {
  readonly inplace: boolean;
  /** `new Hardswish()`. */
  constructor(options: InplaceOptions = {}) {
    super();
    this.inplace = options.inplace ?? false;
  }
  /** F.hardswish. */
  override forward(input: Tensor): Tensor {
    return F.hardswish(input, { inplace: this.inplace });
  }
}

/** log(1 + exp(beta · x)) / beta, linear above `threshold` (torch.nn.Softplus). */
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;
  /** `new Softplus({ beta: 2 })`. */
  constructor(options: { beta?: number; threshold?: number } = {}) {
    super();
    this.beta = options.beta ?? 1;
    this.threshold = options.threshold ?? 20;
  }
  /** F.softplus. */
  override forward(input: Tensor): Tensor {
    return F.softplus(input, { beta: this.beta, threshold: this.threshold });
  }
  override extraRepr(): string {
    return `beta=${py(this.beta)}, threshold=${py(this.threshold)}`;
  }
}

/** Shrinks towards 0 by `lambd` (torch.nn.Softshrink). */
export class Softshrink extends Module {
  /** `new Softshrink(0.5)`. */
  constructor(readonly lambd = 0.5) {
    super();
  }
  /** F.softshrink. */
  override forward(input: Tensor): Tensor {
    return F.softshrink(input, this.lambd);
  }
  override extraRepr(): string {
    return pyFloat(this.lambd);
  }
}

/** Zeroes |x| ≤ lambd (torch.nn.Hardshrink). */
export class Hardshrink extends Module {
  /** `new Hardshrink(0.5)`. */
  constructor(readonly lambd = 0.5) {
    super();
  }
  /** F.hardshrink. */
  override forward(input: Tensor): Tensor {
    return F.hardshrink(input, this.lambd);
  }
  override extraRepr(): string {
    return pyFloat(this.lambd);
  }
}

/** x if x > threshold else value (torch.nn.Threshold). */
export class Threshold extends Module {
  readonly inplace: boolean;
  /** `new Threshold(0.1, 20)`. */
  constructor(readonly threshold: number, readonly value: number, options: InplaceOptions = {}) {
    super();
    this.inplace = options.inplace ?? false;
  }
  /** F.threshold. */
  override forward(input: Tensor): Tensor {
    return F.threshold(input, this.threshold, this.value, { inplace: this.inplace });
  }
  override extraRepr(): string {
    return `threshold=${py(this.threshold)}, value=${py(this.value)}${inplaceTail(this.inplace)}`;
  }
}

// PyTorch's _get_softmax_dim: the implicit dim of Softmax(dim=None) (deprecated there too).
function implicitDim(ndim: number): number {
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

/** Shared shape of Softmax, Softmin and LogSoftmax: one `dim` (PyTorch's implicit choice when omitted). */
abstract class SoftmaxAlongDim extends Module {
  /** `new Softmax(1)`; omitting `dim` uses PyTorch's deprecated implicit choice. */
  constructor(readonly dim: number | null = null) {
    super();
  }
  /** The functional form this module applies. */
  protected abstract readonly fn: (input: Tensor, dim: number) => Tensor;
  override forward(input: Tensor): Tensor {
    return this.fn(input, this.dim ?? implicitDim(input.ndim));
  }
  override extraRepr(): string {
    return `dim=${py(this.dim)}`;
  }
}

/** Softmax along `dim` (torch.nn.Softmax, F.softmax). */
export class Softmax extends SoftmaxAlongDim {
  protected readonly fn = F.softmax;
}

/** Softmax of −x along `dim` (torch.nn.Softmin, F.softmin). */
export class Softmin extends SoftmaxAlongDim {
  protected readonly fn = F.softmin;
}

/** log(softmax(x)) along `dim` (torch.nn.LogSoftmax, F.logSoftmax). */
export class LogSoftmax extends SoftmaxAlongDim {
  protected readonly fn = F.logSoftmax;
}

/** Softmax over channels of `[N, C, H, W]` or `[C, H, W]` (torch.nn.Softmax2d). */
export class Softmax2d extends Module {
  /** Softmax over dim −3. */
  override forward(input: Tensor): Tensor {
    if (input.ndim !== 3 && input.ndim !== 4) throw new ValueError(`Softmax2d: expected input to be 3D or 4D, got ${input.ndim}D instead`);
    return F.softmax(input, -3);
  }
}

/** Gated linear unit along `dim` (torch.nn.GLU). */
export class GLU extends Module {
  /** `new GLU()` (dim −1). */
  constructor(readonly dim = -1) {
    super();
  }
  /** F.glu. */
  override forward(input: Tensor): Tensor {
    return F.glu(input, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** LeakyReLU with a learned slope per channel (or one shared) (torch.nn.PReLU). */
export class PReLU extends Module {
  readonly numParameters: number;
  weight: Parameter;
  /** `new PReLU()` or `new PReLU({ numParameters: 3, init: 0.1 })`. */
  constructor(options: { numParameters?: number; init?: number } & FactoryOptions = {}) {
    super();
    this.numParameters = options.numParameters ?? 1;
    this.weight = newParam([this.numParameters], options);
    this.weight.detach().copy_(full([this.numParameters], options.init ?? 0.25));
  }
  /** F.prelu. */
  override forward(input: Tensor): Tensor {
    return F.prelu(input, this.weight);
  }
  override extraRepr(): string {
    return `num_parameters=${this.numParameters}`;
  }
}

/**
 * Randomized leaky ReLU (torch.nn.RReLU): in training each negative element gets a slope drawn
 * from U(lower, upper); in eval mode the slope is (lower + upper) / 2. Composed here from tensor
 * ops because @kiln/functional has no `rrelu` yet.
 */
export class RReLU extends Module {
  readonly inplace: boolean;
  /** `new RReLU()` (lower 1/8, upper 1/3). */
  constructor(readonly lower = 1 / 8, readonly upper = 1 / 3, options: InplaceOptions = {}) {
    super();
    this.inplace = options.inplace ?? false;
  }
  /** x for x ≥ 0, slope · x otherwise. */
  override forward(input: Tensor): Tensor {
    const slope = this.training ? randLike(input).mul(this.upper - this.lower).add(this.lower) : (this.lower + this.upper) / 2;
    const y = input.where(input.ge(0), input.mul(slope));
    return this.inplace ? input.copy_(y) : y;
  }
  override extraRepr(): string {
    return `lower=${pyFloat(this.lower)}, upper=${pyFloat(this.upper)}${inplaceTail(this.inplace)}`;
  }
}
