/**
 * Convolutions: Conv1d/2d/3d and ConvTranspose1d/2d/3d, with PyTorch's options, padding modes,
 * unbatched inputs and default initialisation (kaiming-uniform a=√5, bias U(±1/√fanIn)).
 * @packageDocumentation
 */
import { KilnError, ValueError, type Tensor } from '@kiln/tensor';
import * as F from '@kiln/functional';
import * as init from '@kiln/init';
import { newParam, uniformFanIn, type FactoryOptions } from './linear.js';
import { Module } from './module.js';
import type { Parameter } from './parameter.js';
import { checkRank, inputError, ntuple, pyTuple } from './shape-check.js';

/** Padding modes of convolutions (PyTorch's `padding_mode`). */
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

/** Keyword options of Conv1d/2d/3d. */
export interface ConvOptions extends FactoryOptions {
  stride?: number | number[];
  /** Implicit padding: a size, per-dim sizes, `'valid'` (none) or `'same'` (stride 1 only). */
  padding?: number | number[] | 'same' | 'valid';
  dilation?: number | number[];
  groups?: number;
  bias?: boolean;
  paddingMode?: PaddingMode;
}

/** Keyword options of ConvTranspose1d/2d. */
export interface ConvTransposeOptions extends FactoryOptions {
  stride?: number | number[];
  padding?: number | number[];
  outputPadding?: number | number[];
  groups?: number;
  bias?: boolean;
  dilation?: number | number[];
  paddingMode?: 'zeros';
}

/** Shared machinery of every convolution (PyTorch's `_ConvNd`). */
export abstract class ConvNd extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[] | 'same' | 'valid';
  readonly dilation: number[];
  readonly transposed: boolean;
  readonly outputPadding: number[];
  readonly groups: number;
  readonly paddingMode: PaddingMode;
  weight: Parameter;
  bias: Parameter | null;
  /** Number of spatial dims (1, 2 or 3). */
  protected abstract readonly n: number;

  constructor(n: number, transposed: boolean, inChannels: number, outChannels: number, kernelSize: number | number[], o: ConvOptions & { outputPadding?: number | number[] }) {
    super();
    const groups = o.groups ?? 1;
    if (groups <= 0) throw new ValueError('groups must be a positive integer');
    if (inChannels % groups !== 0) throw new ValueError('in_channels must be divisible by groups');
    if (outChannels % groups !== 0) throw new ValueError('out_channels must be divisible by groups');
    const padding = o.padding ?? 0;
    const stride = ntuple(o.stride ?? 1, n);
    if (typeof padding === 'string') {
      if (padding !== 'same' && padding !== 'valid') throw new ValueError(`Invalid padding string '${padding}', should be one of ['valid', 'same']`);
      if (padding === 'same' && stride.some((s) => s !== 1)) throw new ValueError("padding='same' is not supported for strided convolutions");
    }
    const mode = o.paddingMode ?? 'zeros';
    if (!['zeros', 'reflect', 'replicate', 'circular'].includes(mode)) {
      throw new ValueError(`padding_mode must be one of ['zeros', 'reflect', 'replicate', 'circular'], but got padding_mode='${mode}'`);
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = ntuple(kernelSize, n);
    this.stride = stride;
    this.padding = typeof padding === 'string' ? padding : ntuple(padding, n);
    this.dilation = ntuple(o.dilation ?? 1, n);
    this.transposed = transposed;
    this.outputPadding = ntuple(o.outputPadding ?? 0, n);
    this.groups = groups;
    this.paddingMode = mode;
    const wShape = transposed ? [inChannels, outChannels / groups, ...this.kernelSize] : [outChannels, inChannels / groups, ...this.kernelSize];
    this.weight = newParam(wShape, o);
    this.bias = o.bias ?? true ? newParam([outChannels], o) : null;
    this.resetParameters();
  }

  /** Re-initialises weight and bias with PyTorch's defaults. */
  resetParameters(): void {
    // kaiming_uniform_(a=√5) is U(±1/√fanIn) for the weight; fanIn = weight.size(1) · kernel volume.
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) uniformFanIn(this.bias, this.weight.shape[1]! * this.kernelSize.reduce((a, b) => a * b, 1));
  }

  /** Checks rank and channels; returns the input with a batch dim and whether one was added. */
  protected batched(input: Tensor): [Tensor, boolean] {
    checkRank(this, input, [this.n + 1, this.n + 2]);
    const c = input.shape[input.ndim - this.n - 1];
    if (c !== this.inChannels) inputError(this, `input with ${this.inChannels} channels`, input);
    return input.ndim === this.n + 1 ? [input.unsqueeze(0), true] : [input, false];
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (this.padding.some((p) => p !== 0)) s += `, padding=${pyTuple(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${pyTuple(this.dilation)}`;
    if (this.outputPadding.some((p) => p !== 0)) s += `, output_padding=${pyTuple(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    if (this.paddingMode !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}

const CONV = { 1: 'conv1d', 2: 'conv2d', 3: 'conv3d' } as const;

/** Shared forward of Conv1d/2d/3d. */
abstract class Conv extends ConvNd {
  constructor(n: number, inChannels: number, outChannels: number, kernelSize: number | number[], options: ConvOptions) {
    super(n, false, inChannels, outChannels, kernelSize, options);
  }

  /** Convolves `input` ([N, C, ...] or unbatched [C, ...]). */
  override forward(input: Tensor): Tensor {
    const [x, added] = this.batched(input);
    const n = this.n as 1 | 2 | 3;
    let y: Tensor;
    if (this.paddingMode !== 'zeros') {
      const pad = typeof this.padding === 'string' ? samePadding(this, this.padding) : [...this.padding].reverse().flatMap((p) => [p, p]);
      y = F[CONV[n]](F.pad(x, pad, { mode: this.paddingMode }), this.weight, this.bias, { stride: this.stride, padding: 0, dilation: this.dilation, groups: this.groups });
    } else {
      y = F[CONV[n]](x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
    }
    return added ? y.squeeze(0) : y;
  }
}

// F.pad amounts, last dim first, for padding='same'/'valid' with a non-zeros padding mode.
function samePadding(c: ConvNd, p: 'same' | 'valid'): number[] {
  if (p === 'valid') return Array(2 * c.kernelSize.length).fill(0);
  const out: number[] = [];
  for (let d = c.kernelSize.length - 1; d >= 0; d--) {
    const total = c.dilation[d]! * (c.kernelSize[d]! - 1);
    const left = Math.floor(total / 2);
    out.push(left, total - left);
  }
  return out;
}

/** 1-D convolution over `[N, C, L]` (torch.nn.Conv1d). */
export class Conv1d extends Conv {
  protected readonly n = 1;
  /** `new Conv1d(16, 33, 3, { stride: 2 })`. */
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options: ConvOptions = {}) {
    super(1, inChannels, outChannels, kernelSize, options);
  }
}

/** 2-D convolution over `[N, C, H, W]` (torch.nn.Conv2d). */
export class Conv2d extends Conv {
  protected readonly n = 2;
  /** `new Conv2d(3, 16, 3, { stride: 2, padding: 1 })`. */
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options: ConvOptions = {}) {
    super(2, inChannels, outChannels, kernelSize, options);
  }
}

/** 3-D convolution over `[N, C, D, H, W]` (torch.nn.Conv3d). */
export class Conv3d extends Conv {
  protected readonly n = 3;
  /** `new Conv3d(4, 8, 3)`. */
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options: ConvOptions = {}) {
    super(3, inChannels, outChannels, kernelSize, options);
  }
}

const CONVT = { 1: 'convTranspose1d', 2: 'convTranspose2d', 3: 'convTranspose3d' } as const;

/** Shared forward of ConvTranspose1d/2d/3d. */
abstract class ConvTranspose extends ConvNd {
  constructor(n: number, inChannels: number, outChannels: number, kernelSize: number | number[], options: ConvTransposeOptions) {
    if ((options.paddingMode ?? 'zeros') !== 'zeros') throw new ValueError(`Only "zeros" padding mode is supported for ConvTranspose${n}d`);
    super(n, true, inChannels, outChannels, kernelSize, options);
  }

  /**
   * Transposed convolution; `outputSize` picks among the output sizes that the stride makes
   * ambiguous (PyTorch's `output_size` argument).
   */
  override forward(input: Tensor, outputSize?: number[]): Tensor {
    const [x, added] = this.batched(input);
    const outputPadding = outputSize ? this.outputPaddingFor(x, outputSize) : this.outputPadding;
    const y = F[CONVT[this.n as 1 | 2 | 3]](x, this.weight, this.bias, {
      stride: this.stride, padding: this.padding as number[], outputPadding, groups: this.groups, dilation: this.dilation,
    });
    return added ? y.squeeze(0) : y;
  }

  // PyTorch's _output_padding: the extra size needed to reach `outputSize`.
  private outputPaddingFor(x: Tensor, outputSize: number[]): number[] {
    const k = this.n;
    const size = outputSize.length === k + 2 ? outputSize.slice(2) : outputSize;
    if (size.length !== k) throw new ValueError(`ConvTranspose${k}D: for ${x.ndim}D input, output_size must have ${k} or ${k + 2} elements (got ${outputSize.length})`);
    const pad = this.padding as number[];
    return size.map((s, d) => {
      const min = (x.shape[d + 2]! - 1) * this.stride[d]! - 2 * pad[d]! + this.dilation[d]! * (this.kernelSize[d]! - 1) + 1;
      const max = min + this.stride[d]! - 1;
      if (s < min || s > max) {
        throw new KilnError(`requested an output size of [${size.join(', ')}], but valid sizes range from [${min}] to [${max}] (for an input of [${x.shape.slice(2).join(', ')}])`);
      }
      return s - min;
    });
  }
}

/** 1-D transposed convolution (torch.nn.ConvTranspose1d). Weight `[in, out/groups, k]`. */
export class ConvTranspose1d extends ConvTranspose {
  protected readonly n = 1;
  /** `new ConvTranspose1d(16, 33, 3, { stride: 2 })`. */
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options: ConvTransposeOptions = {}) {
    super(1, inChannels, outChannels, kernelSize, options);
  }
}

/** 2-D transposed convolution (torch.nn.ConvTranspose2d). Weight `[in, out/groups, kH, kW]`. */
export class ConvTranspose2d extends ConvTranspose {
  protected readonly n = 2;
  /** `new ConvTranspose2d(16, 33, 3, { stride: 2, padding: 1, outputPadding: 1 })`. */
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options: ConvTransposeOptions = {}) {
    super(2, inChannels, outChannels, kernelSize, options);
  }
}

/** 3-D transposed convolution (torch.nn.ConvTranspose3d). Weight `[in, out/groups, kD, kH, kW]`. */
export class ConvTranspose3d extends ConvTranspose {
  protected readonly n = 3;
  /** `new ConvTranspose3d(16, 33, 3, { stride: 2 })`. */
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options: ConvTransposeOptions = {}) {
    super(3, inChannels, outChannels, kernelSize, options);
  }
}
