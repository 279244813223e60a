/**
 * Identity, Linear, Bilinear, with PyTorch's default initialisation.
 * @packageDocumentation
 */
import { empty, type DType, type DeviceLike, type Tensor } from '@kiln/tensor';
import * as F from '@kiln/functional';
import * as init from '@kiln/init';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { checkDimSize, inputError, py } from './shape-check.js';

/** Device/dtype of created parameters (PyTorch's `factory_kwargs`). */
export interface FactoryOptions {
  device?: DeviceLike;
  dtype?: DType;
}

/** `empty(shape)` honouring the factory options. @internal */
export function newParam(shape: number[], o: FactoryOptions): Parameter {
  return new Parameter(empty(shape, { dtype: o.dtype ?? 'float32', device: o.device ?? 'cpu' }));
}

/** PyTorch's bias init: U(-1/√fanIn, 1/√fanIn) (0 when fanIn is 0). @internal */
export function uniformFanIn(t: Tensor, fanIn: number): void {
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  init.uniform_(t, -bound, bound);
}

/** Returns its input unchanged (torch.nn.Identity); constructor arguments are ignored. */
export class Identity extends Module {
  /** Accepts and ignores any arguments, as PyTorch does. */
  constructor(..._args: unknown[]) {
    super();
  }
  /** Returns `input`. */
  override forward(input: Tensor): Tensor {
    return input;
  }
}

/** `y = x Wᵀ + b` (torch.nn.Linear). Weight `[outFeatures, inFeatures]`. */
export class Linear extends Module {
  /** Size of each input sample. */
  readonly inFeatures: number;
  /** Size of each output sample. */
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  /** Creates the layer; `bias: false` omits the bias. Initialised as PyTorch (kaiming-uniform, a=√5). */
  constructor(inFeatures: number, outFeatures: number, options: { bias?: boolean } & FactoryOptions = {}) {
    super();
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = newParam([outFeatures, inFeatures], options);
    this.bias = options.bias ?? true ? newParam([outFeatures], options) : null;
    this.resetParameters();
  }

  /** Re-initialises weight and bias with PyTorch's defaults. */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) uniformFanIn(this.bias, this.inFeatures);
  }

  /** `input @ weightᵀ + bias` over the last dim. */
  override forward(input: Tensor): Tensor {
    if (input.ndim === 0 || input.shape[input.ndim - 1] !== this.inFeatures) inputError(this, `input with ${this.inFeatures} features in the last dimension`, input);
    return F.linear(input, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${py(this.bias !== null)}`;
  }
}

/** `y = x1ᵀ A x2 + b` (torch.nn.Bilinear). Weight `[out, in1, in2]`. */
export class Bilinear extends Module {
  readonly in1Features: number;
  readonly in2Features: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  /** Creates the layer, initialised U(-1/√in1, 1/√in1) as PyTorch. */
  constructor(in1Features: number, in2Features: number, outFeatures: number, options: { bias?: boolean } & FactoryOptions = {}) {
    super();
    this.in1Features = in1Features;
    this.in2Features = in2Features;
    this.outFeatures = outFeatures;
    this.weight = newParam([outFeatures, in1Features, in2Features], options);
    this.bias = options.bias ?? true ? newParam([outFeatures], options) : null;
    this.resetParameters();
  }

  /** Re-initialises with PyTorch's defaults. */
  resetParameters(): void {
    uniformFanIn(this.weight, this.in1Features);
    if (this.bias) uniformFanIn(this.bias, this.in1Features);
  }

  /** Bilinear form of `input1` and `input2`. */
  override forward(input1: Tensor, input2: Tensor): Tensor {
    checkDimSize(this, input1, -1, this.in1Features, 'features in input1');
    checkDimSize(this, input2, -1, this.in2Features, 'features in input2');
    return F.bilinear(input1, input2, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, bias=${py(this.bias !== null)}`;
  }
}
