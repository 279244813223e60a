/**
 * Unfold (im2col) and Fold (col2im) as modules.
 * @packageDocumentation
 */
import * as F from '@kiln/functional';
import type { Tensor } from '@kiln/tensor';
import { Module } from './module.js';
import { py } from './shape-check.js';

type Size = number | number[];

/** Keyword options of Fold and Unfold. */
export interface FoldOptions {
  dilation?: Size;
  padding?: Size;
  stride?: Size;
}

/** Extracts sliding blocks: `[N, C, *]` → `[N, C·∏k, L]` (torch.nn.Unfold). */
export class Unfold extends Module {
  readonly dilation: Size;
  readonly padding: Size;
  readonly stride: Size;
  /** `new Unfold(2, { padding: 1, stride: 2 })`. */
  constructor(readonly kernelSize: Size, options: FoldOptions = {}) {
    super();
    this.dilation = options.dilation ?? 1;
    this.padding = options.padding ?? 0;
    this.stride = options.stride ?? 1;
  }
  /** F.unfold. */
  override forward(input: Tensor): Tensor {
    return F.unfold(input, this.kernelSize, { dilation: this.dilation, padding: this.padding, stride: this.stride });
  }
  override extraRepr(): string {
    return `kernel_size=${py(this.kernelSize)}, dilation=${py(this.dilation)}, padding=${py(this.padding)}, stride=${py(this.stride)}`;
  }
}

/** Sums sliding blocks back into `[N, C, *outputSize]` (torch.nn.Fold). */
export class Fold extends Module {
  readonly dilation: Size;
  readonly padding: Size;
  readonly stride: Size;
  /** `new Fold([4, 5], [2, 2])`. */
  constructor(readonly outputSize: Size, readonly kernelSize: Size, options: FoldOptions = {}) {
    super();
    this.dilation = options.dilation ?? 1;
    this.padding = options.padding ?? 0;
    this.stride = options.stride ?? 1;
  }
  /** F.fold. */
  override forward(input: Tensor): Tensor {
    return F.fold(input, this.outputSize, this.kernelSize, { dilation: this.dilation, padding: this.padding, stride: this.stride });
  }
  override extraRepr(): string {
    return `output_size=${py(this.outputSize)}, kernel_size=${py(this.kernelSize)}, dilation=${py(this.dilation)}, padding=${py(this.padding)}, stride=${py(this.stride)}`;
  }
}
