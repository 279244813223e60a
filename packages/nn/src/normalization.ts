/**
 * Normalisation layers: BatchNorm1d/2d/3d, InstanceNorm1d/2d/3d, LayerNorm, GroupNorm,
 * LocalResponseNorm. Buffers keep PyTorch's names (`running_mean`, `running_var`,
 * `num_batches_tracked`) because they are state-dict keys.
 * @packageDocumentation
 */
import { ValueError, ones, tensor, zeros, type Tensor } from '@kiln/tensor';
import * as F from '@kiln/functional';
import * as init from '@kiln/init';
import { newParam, type FactoryOptions } from './linear.js';
import { Module } from './module.js';
import type { Parameter } from './parameter.js';
import { checkRank, inputError, py, pyFloat } from './shape-check.js';

/** Keyword options of the batch/instance norms. */
export interface NormOptions extends FactoryOptions {
  eps?: number;
  /** Running-average factor; `null` uses a cumulative moving average. */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
}

/** Shared state of BatchNorm and InstanceNorm (PyTorch's `_NormBase`). */
export abstract class NormBase extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null = null;
  bias: Parameter | null = null;
  running_mean: Tensor | null = null;
  running_var: Tensor | null = null;
  num_batches_tracked: Tensor | null = null;

  constructor(numFeatures: number, o: NormOptions, defaults: { affine: boolean; trackRunningStats: boolean }) {
    super();
    this.numFeatures = numFeatures;
    this.eps = o.eps ?? 1e-5;
    this.momentum = o.momentum === undefined ? 0.1 : o.momentum;
    this.affine = o.affine ?? defaults.affine;
    this.trackRunningStats = o.trackRunningStats ?? defaults.trackRunningStats;
    if (this.affine) {
      this.weight = newParam([numFeatures], o);
      this.bias = newParam([numFeatures], o);
    }
    const f = { dtype: o.dtype ?? 'float32', device: o.device ?? 'cpu' } as const;
    this.registerBuffer('running_mean', this.trackRunningStats ? zeros([numFeatures], f) : null);
    this.registerBuffer('running_var', this.trackRunningStats ? ones([numFeatures], f) : null);
    this.registerBuffer('num_batches_tracked', this.trackRunningStats ? tensor(0, { dtype: 'int32', device: f.device }) : null);
    this.resetParameters();
  }

  /** Resets running statistics to mean 0, variance 1 and the batch counter to 0. */
  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    this.running_mean!.zero_();
    this.running_var!.fill_(1);
    this.num_batches_tracked!.zero_();
  }

  /** Resets running statistics and sets weight to 1, bias to 0. */
  resetParameters(): void {
    this.resetRunningStats();
    if (this.affine) {
      init.ones_(this.weight!);
      init.zeros_(this.bias!);
    }
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${this.momentum === null ? 'None' : pyFloat(this.momentum)}, affine=${py(this.affine)}, track_running_stats=${py(this.trackRunningStats)}`;
  }
}

/** Shared forward of BatchNorm1d/2d/3d (PyTorch's `_BatchNorm`). */
abstract class BatchNorm extends NormBase {
  constructor(numFeatures: number, o: NormOptions) {
    super(numFeatures, o, { affine: true, trackRunningStats: true });
  }

  /** The accepted input ranks. */
  protected abstract ranks(): number[];

  /** Normalises with batch statistics (training) or running statistics (eval). */
  override forward(input: Tensor): Tensor {
    checkRank(this, input, this.ranks());
    if (input.shape[1] !== this.numFeatures) inputError(this, `input with ${this.numFeatures} channels`, input);
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.num_batches_tracked) {
      this.num_batches_tracked.add_(1);
      factor = this.momentum === null ? 1 / Number(this.num_batches_tracked.item()) : this.momentum;
    }
    const bnTraining = this.training || (this.running_mean === null && this.running_var === null);
    const useRunning = !this.training || this.trackRunningStats;
    return F.batchNorm(input, useRunning ? this.running_mean : null, useRunning ? this.running_var : null, {
      weight: this.weight, bias: this.bias, training: bnTraining, momentum: factor, eps: this.eps,
    });
  }
}

/** Batch norm over `[N, C]` or `[N, C, L]` (torch.nn.BatchNorm1d). */
export class BatchNorm1d extends BatchNorm {
  /** `new BatchNorm1d(100, { affine: false })`. */
  constructor(numFeatures: number, options: NormOptions = {}) {
    super(numFeatures, options);
  }
  protected ranks(): number[] {
    return [2, 3];
  }
}
/** Batch norm over `[N, C, H, W]` (torch.nn.BatchNorm2d). */
export class BatchNorm2d extends BatchNorm {
  /** `new BatchNorm2d(64)`. */
  constructor(numFeatures: number, options: NormOptions = {}) {
    super(numFeatures, options);
  }
  protected ranks(): number[] {
    return [4];
  }
}
/** Batch norm over `[N, C, D, H, W]` (torch.nn.BatchNorm3d). */
export class BatchNorm3d extends BatchNorm {
  /** `new BatchNorm3d(16)`. */
  constructor(numFeatures: number, options: NormOptions = {}) {
    super(numFeatures, options);
  }
  protected ranks(): number[] {
    return [5];
  }
}

/** Shared forward of InstanceNorm1d/2d/3d (defaults: no affine, no running stats). */
abstract class InstanceNorm extends NormBase {
  constructor(numFeatures: number, o: NormOptions, private readonly spatial: number) {
    super(numFeatures, o, { affine: false, trackRunningStats: false });
  }

  /** Normalises each sample and channel over its spatial dims (unbatched input accepted). */
  override forward(input: Tensor): Tensor {
    const n = this.spatial;
    checkRank(this, input, [n + 1, n + 2]);
    const c = input.shape[input.ndim - n - 1];
    if (c !== this.numFeatures && this.affine) inputError(this, `input with ${this.numFeatures} channels`, input);
    const unbatched = input.ndim === n + 1;
    const x = unbatched ? input.unsqueeze(0) : input;
    const y: Tensor = F.instanceNorm(x, {
      runningMean: this.running_mean, runningVar: this.running_var, weight: this.weight, bias: this.bias, useInputStats: this.training || !this.trackRunningStats, momentum: this.momentum ?? 0.1, eps: this.eps,
    });
    return unbatched ? y.squeeze(0) : y;
  }
}

/** Instance norm over `[N, C, L]` (torch.nn.InstanceNorm1d). */
export class InstanceNorm1d extends InstanceNorm {
  /** `new InstanceNorm1d(100)`. */
  constructor(numFeatures: number, options: NormOptions = {}) {
    super(numFeatures, options, 1);
  }
}
/** Instance norm over `[N, C, H, W]` (torch.nn.InstanceNorm2d). */
export class InstanceNorm2d extends InstanceNorm {
  /** `new InstanceNorm2d(100, { affine: true })`. */
  constructor(numFeatures: number, options: NormOptions = {}) {
    super(numFeatures, options, 2);
  }
}
/** Instance norm over `[N, C, D, H, W]` (torch.nn.InstanceNorm3d). */
export class InstanceNorm3d extends InstanceNorm {
  /** `new InstanceNorm3d(100)`. */
  constructor(numFeatures: number, options: NormOptions = {}) {
    super(numFeatures, options, 3);
  }
}

/** Layer norm over the trailing `normalizedShape` dims (torch.nn.LayerNorm). */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null = null;
  bias: Parameter | null = null;

  /** `new LayerNorm(10)` or `new LayerNorm([5, 10], { eps: 1e-6 })`. */
  constructor(normalizedShape: number | number[], options: { eps?: number; elementwiseAffine?: boolean } & FactoryOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.eps = options.eps ?? 1e-5;
    this.elementwiseAffine = options.elementwiseAffine ?? true;
    if (this.elementwiseAffine) {
      this.weight = newParam(this.normalizedShape, options);
      this.bias = newParam(this.normalizedShape, options);
    }
    this.resetParameters();
  }

  /** weight 1, bias 0. */
  resetParameters(): void {
    if (this.weight) init.ones_(this.weight);
    if (this.bias) init.zeros_(this.bias);
  }

  /** Normalises over the last `normalizedShape.length` dims. */
  override forward(input: Tensor): Tensor {
    const k = this.normalizedShape.length;
    if (input.ndim < k || input.shape.slice(input.ndim - k).join() !== this.normalizedShape.join()) {
      inputError(this, `input with shape [*, ${this.normalizedShape.join(', ')}]`, input);
    }
    return F.layerNorm(input, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${py(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${py(this.elementwiseAffine)}`;
  }
}

/** Group norm: channels split into `numGroups` groups (torch.nn.GroupNorm). */
export class GroupNorm extends Module {
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;
  weight: Parameter | null = null;
  bias: Parameter | null = null;

  /** `new GroupNorm(3, 6)`. */
  constructor(numGroups: number, numChannels: number, options: { eps?: number; affine?: boolean } & FactoryOptions = {}) {
    super();
    if (numChannels % numGroups !== 0) throw new ValueError('num_channels must be divisible by num_groups');
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = options.eps ?? 1e-5;
    this.affine = options.affine ?? true;
    if (this.affine) {
      this.weight = newParam([numChannels], options);
      this.bias = newParam([numChannels], options);
      init.ones_(this.weight);
      init.zeros_(this.bias);
    }
  }

  /** Normalises `[N, C, *]` per sample and group. */
  override forward(input: Tensor): Tensor {
    if (input.ndim < 2 || input.shape[1] !== this.numChannels) inputError(this, `input with ${this.numChannels} channels`, input);
    return F.groupNorm(input, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${py(this.affine)}`;
  }
}

/** Local response normalisation across channels (torch.nn.LocalResponseNorm). */
export class LocalResponseNorm extends Module {
  /** `new LocalResponseNorm(2)`; defaults alpha 1e-4, beta 0.75, k 1. */
  constructor(readonly size: number, readonly alpha = 1e-4, readonly beta = 0.75, readonly k = 1) {
    super();
  }
  /** Normalises `[N, C, *]` over neighbouring channels. */
  override forward(input: Tensor): Tensor {
    return F.localResponseNorm(input, this.size, { alpha: this.alpha, beta: this.beta, k: this.k });
  }
  override extraRepr(): string {
    return `${this.size}, alpha=${pyFloat(this.alpha)}, beta=${pyFloat(this.beta)}, k=${pyFloat(this.k)}`;
  }
}
