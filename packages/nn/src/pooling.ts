/**
 * Pooling layers: MaxPool1d/2d/3d, AvgPool1d/2d/3d, LPPool1d/2d, AdaptiveAvgPool1d/2d/3d,
 * AdaptiveMaxPool1d/2d.
 * Their reprs print the arguments as given (an int stays an int), as PyTorch's do.
 * @packageDocumentation
 */
import type { Tensor, ValuesIndices } from '@kiln/tensor';
import * as F from '@kiln/functional';
import { Module } from './module.js';
import { checkRank, py } from './shape-check.js';

type Size = number | number[];

/** Keyword options of MaxPool1d/2d/3d. */
export interface MaxPoolOptions<R extends boolean = boolean> {
  /** Defaults to `kernelSize`. */
  stride?: Size | null;
  padding?: Size;
  dilation?: Size;
  /** When true, `forward` returns `{values, indices}` (typed through the class's `R`). */
  returnIndices?: R;
  ceilMode?: boolean;
}

/** What a max pool returns: a tensor, or values with indices when `returnIndices` is true. */
export type PoolResult<R extends boolean> = R extends true ? ValuesIndices : Tensor;

const MAXPOOL = { 1: 'maxPool1d', 2: 'maxPool2d', 3: 'maxPool3d' } as const;
const AVGPOOL = { 1: 'avgPool1d', 2: 'avgPool2d', 3: 'avgPool3d' } as const;

/** Shared part of MaxPool1d/2d/3d (PyTorch's `_MaxPoolNd`). */
abstract class MaxPoolNd<R extends boolean> extends Module {
  readonly kernelSize: Size;
  readonly stride: Size;
  readonly padding: Size;
  readonly dilation: Size;
  readonly returnIndices: R;
  readonly ceilMode: boolean;

  constructor(private readonly n: 1 | 2 | 3, kernelSize: Size, o: MaxPoolOptions<R>) {
    super();
    this.kernelSize = kernelSize;
    this.stride = o.stride ?? kernelSize;
    this.padding = o.padding ?? 0;
    this.dilation = o.dilation ?? 1;
    this.returnIndices = (o.returnIndices ?? false) as R;
    this.ceilMode = o.ceilMode ?? false;
  }

  /** Max over windows; `{values, indices}` (also `[values, indices]`) when `returnIndices`. */
  override forward(input: Tensor): PoolResult<R> {
    checkRank(this, input, [this.n + 1, this.n + 2]);
    return F[MAXPOOL[this.n]](input, this.kernelSize, {
      stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode, returnIndices: this.returnIndices,
    }) as PoolResult<R>;
  }

  override extraRepr(): string {
    return `kernel_size=${py(this.kernelSize)}, stride=${py(this.stride)}, padding=${py(this.padding)}, dilation=${py(this.dilation)}, ceil_mode=${py(this.ceilMode)}`;
  }
}

/** Max pooling over `[N, C, L]` (torch.nn.MaxPool1d). */
export class MaxPool1d<R extends boolean = false> extends MaxPoolNd<R> {
  /** `new MaxPool1d(3, { stride: 2 })`. */
  constructor(kernelSize: Size, options: MaxPoolOptions<R> = {}) {
    super(1, kernelSize, options);
  }
}
/** Max pooling over `[N, C, H, W]` (torch.nn.MaxPool2d). */
export class MaxPool2d<R extends boolean = false> extends MaxPoolNd<R> {
  /** `new MaxPool2d(2)` or `new MaxPool2d([3, 2], { stride: [2, 1] })`. */
  constructor(kernelSize: Size, options: MaxPoolOptions<R> = {}) {
    super(2, kernelSize, options);
  }
}
/** Max pooling over `[N, C, D, H, W]` (torch.nn.MaxPool3d). */
export class MaxPool3d<R extends boolean = false> extends MaxPoolNd<R> {
  /** `new MaxPool3d(2)`. */
  constructor(kernelSize: Size, options: MaxPoolOptions<R> = {}) {
    super(3, kernelSize, options);
  }
}

/** Keyword options of AvgPool1d/2d/3d. */
export interface AvgPoolOptions {
  stride?: Size | null;
  padding?: Size;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  /** 2d/3d only. */
  divisorOverride?: number | null;
}

/** Shared part of AvgPool1d/2d/3d. */
abstract class AvgPoolNd extends Module {
  readonly kernelSize: Size;
  readonly stride: Size;
  readonly padding: Size;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(private readonly n: 1 | 2 | 3, kernelSize: Size, o: AvgPoolOptions) {
    super();
    // AvgPool1d stores its sizes as 1-tuples, AvgPool2d/3d as given; the repr shows the difference.
    const one = (v: Size): Size => (n === 1 && typeof v === 'number' ? [v] : v);
    this.kernelSize = one(kernelSize);
    this.stride = one(o.stride ?? kernelSize);
    this.padding = one(o.padding ?? 0);
    this.ceilMode = o.ceilMode ?? false;
    this.countIncludePad = o.countIncludePad ?? true;
    this.divisorOverride = o.divisorOverride ?? null;
  }

  /** Averages over windows. */
  override forward(input: Tensor): Tensor {
    checkRank(this, input, [this.n + 1, this.n + 2]);
    const o: Record<string, unknown> = { stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad };
    if (this.n !== 1) o.divisorOverride = this.divisorOverride;
    return F[AVGPOOL[this.n]](input, this.kernelSize, o);
  }

  override extraRepr(): string {
    return `kernel_size=${py(this.kernelSize)}, stride=${py(this.stride)}, padding=${py(this.padding)}`;
  }
}

/** Average pooling over `[N, C, L]` (torch.nn.AvgPool1d). */
export class AvgPool1d extends AvgPoolNd {
  /** `new AvgPool1d(3, { stride: 2 })`. */
  constructor(kernelSize: Size, options: Omit<AvgPoolOptions, 'divisorOverride'> = {}) {
    super(1, kernelSize, options);
  }
}
/** Average pooling over `[N, C, H, W]` (torch.nn.AvgPool2d). */
export class AvgPool2d extends AvgPoolNd {
  /** `new AvgPool2d(2)`. */
  constructor(kernelSize: Size, options: AvgPoolOptions = {}) {
    super(2, kernelSize, options);
  }
}
/** Average pooling over `[N, C, D, H, W]` (torch.nn.AvgPool3d). */
export class AvgPool3d extends AvgPoolNd {
  /** `new AvgPool3d(2)`. */
  constructor(kernelSize: Size, options: AvgPoolOptions = {}) {
    super(3, kernelSize, options);
  }
}

/** Output size of adaptive pools: a size per dim, `null` keeping the input's size. */
export type AdaptiveSize = number | (number | null)[];

/** Adaptive average pooling to `outputSize` over `[N, C, L]` (torch.nn.AdaptiveAvgPool1d). */
export class AdaptiveAvgPool1d extends Module {
  /** `new AdaptiveAvgPool1d(5)`. */
  constructor(readonly outputSize: number | [number]) {
    super();
  }
  /** Pools each channel to `outputSize`. */
  override forward(input: Tensor): Tensor {
    checkRank(this, input, [2, 3]);
    return F.adaptiveAvgPool1d(input, this.outputSize);
  }
  override extraRepr(): string {
    return `output_size=${py(this.outputSize)}`;
  }
}

/** Adaptive average pooling over `[N, C, H, W]` (torch.nn.AdaptiveAvgPool2d). */
export class AdaptiveAvgPool2d extends Module {
  /** `new AdaptiveAvgPool2d([1, 1])` or `new AdaptiveAvgPool2d(7)`. */
  constructor(readonly outputSize: AdaptiveSize) {
    super();
  }
  /** Pools each channel to `outputSize`. */
  override forward(input: Tensor): Tensor {
    checkRank(this, input, [3, 4]);
    return F.adaptiveAvgPool2d(input, this.outputSize);
  }
  override extraRepr(): string {
    return `output_size=${py(this.outputSize)}`;
  }
}

/** Adaptive max pooling over `[N, C, H, W]` (torch.nn.AdaptiveMaxPool2d). */
export class AdaptiveMaxPool2d<R extends boolean = false> extends Module {
  readonly returnIndices: R;
  /** `new AdaptiveMaxPool2d(5, { returnIndices: true })`. */
  constructor(readonly outputSize: AdaptiveSize, options: { returnIndices?: R } = {}) {
    super();
    this.returnIndices = (options.returnIndices ?? false) as R;
  }
  /** Max-pools each channel to `outputSize` (with indices when `returnIndices`). */
  override forward(input: Tensor): PoolResult<R> {
    checkRank(this, input, [3, 4]);
    return (this.returnIndices ? F.adaptiveMaxPool2d(input, this.outputSize, { returnIndices: true }) : F.adaptiveMaxPool2d(input, this.outputSize)) as PoolResult<R>;
  }
  override extraRepr(): string {
    return `output_size=${py(this.outputSize)}`;
  }
}

/** Adaptive average pooling over `[N, C, D, H, W]` (torch.nn.AdaptiveAvgPool3d). */
export class AdaptiveAvgPool3d extends Module {
  /** `new AdaptiveAvgPool3d([2, null, 3])`. */
  constructor(readonly outputSize: AdaptiveSize) {
    super();
  }
  /** Pools each channel to `outputSize`. */
  override forward(input: Tensor): Tensor {
    checkRank(this, input, [4, 5]);
    return F.adaptiveAvgPool3d(input, this.outputSize);
  }
  override extraRepr(): string {
    return `output_size=${py(this.outputSize)}`;
  }
}

/** Adaptive max pooling over `[N, C, L]` (torch.nn.AdaptiveMaxPool1d). */
export class AdaptiveMaxPool1d<R extends boolean = false> extends Module {
  readonly returnIndices: R;
  /** `new AdaptiveMaxPool1d(4)`. */
  constructor(readonly outputSize: number | [number], options: { returnIndices?: R } = {}) {
    super();
    this.returnIndices = (options.returnIndices ?? false) as R;
  }
  /** Max-pools each channel to `outputSize` (with indices when `returnIndices`). */
  override forward(input: Tensor): PoolResult<R> {
    checkRank(this, input, [2, 3]);
    return F.adaptiveMaxPool1d(input, this.outputSize, { returnIndices: this.returnIndices }) as PoolResult<R>;
  }
  override extraRepr(): string {
    return `output_size=${py(this.outputSize)}`;
  }
}

/** Shared part of LPPool1d/2d: the p-norm over each window. */
abstract class LPPoolNd extends Module {
  readonly stride: Size | null;
  readonly ceilMode: boolean;
  constructor(private readonly n: 1 | 2, readonly normType: number, readonly kernelSize: Size, o: { stride?: Size | null; ceilMode?: boolean }) {
    super();
    this.stride = o.stride ?? null;
    this.ceilMode = o.ceilMode ?? false;
  }
  /** F.lpPool1d / F.lpPool2d. */
  override forward(input: Tensor): Tensor {
    checkRank(this, input, [this.n + 1, this.n + 2]);
    const o = { stride: this.stride, ceilMode: this.ceilMode };
    return this.n === 1 ? F.lpPool1d(input, this.normType, this.kernelSize, o) : F.lpPool2d(input, this.normType, this.kernelSize, o);
  }
  override extraRepr(): string {
    return `norm_type=${py(this.normType)}, kernel_size=${py(this.kernelSize)}, stride=${py(this.stride)}, ceil_mode=${py(this.ceilMode)}`;
  }
}

/** Power-average pooling over `[N, C, L]` (torch.nn.LPPool1d). */
export class LPPool1d extends LPPoolNd {
  /** `new LPPool1d(2, 3)`. */
  constructor(normType: number, kernelSize: Size, options: { stride?: Size | null; ceilMode?: boolean } = {}) {
    super(1, normType, kernelSize, options);
  }
}

/** Power-average pooling over `[N, C, H, W]` (torch.nn.LPPool2d). */
export class LPPool2d extends LPPoolNd {
  /** `new LPPool2d(1.5, [2, 3], { stride: 1 })`. */
  constructor(normType: number, kernelSize: Size, options: { stride?: Size | null; ceilMode?: boolean } = {}) {
    super(2, normType, kernelSize, options);
  }
}
