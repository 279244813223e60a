/**
 * Padding layers: ZeroPad2d, ConstantPad1d/2d/3d, ReflectionPad1d/2d, ReplicationPad1d/2d/3d.
 * Padding is given PyTorch's way: one size for every side, or (left, right, top, bottom, …).
 * @packageDocumentation
 */
import type { Tensor } from '@kiln/tensor';
import * as F from '@kiln/functional';
import { Module } from './module.js';
import { checkRank, py, pyFloat } from './shape-check.js';

/** Shared part of the padding layers. */
abstract class PadNd extends Module {
  readonly padding: number[];
  constructor(padding: number | number[], private readonly n: number, private readonly mode: 'constant' | 'reflect' | 'replicate', readonly value = 0) {
    super();
    this.padding = typeof padding === 'number' ? Array(2 * n).fill(padding) : [...padding];
  }
  /** F.pad with this layer's mode. */
  override forward(input: Tensor): Tensor {
    checkRank(this, input, [this.n + 1, this.n + 2]);
    return this.mode === 'constant' ? F.pad(input, this.padding, { mode: 'constant', value: this.value }) : F.pad(input, this.padding, { mode: this.mode });
  }
  override extraRepr(): string {
    return this.mode === 'constant' && this.constructor.name.startsWith('Constant') ? `padding=${py(this.padding)}, value=${pyFloat(this.value)}` : py(this.padding);
  }
}

/** Pads `[N, C, H, W]` with zeros (torch.nn.ZeroPad2d). */
export class ZeroPad2d extends PadNd {
  /** `new ZeroPad2d(1)` or `new ZeroPad2d([1, 1, 2, 0])`. */
  constructor(padding: number | number[]) {
    super(padding, 2, 'constant');
  }
}
/** Pads `[N, C, L]` with a constant (torch.nn.ConstantPad1d). */
export class ConstantPad1d extends PadNd {
  /** `new ConstantPad1d(2, 3.5)`. */
  constructor(padding: number | number[], value: number) {
    super(padding, 1, 'constant', value);
  }
}
/** Pads `[N, C, H, W]` with a constant (torch.nn.ConstantPad2d). */
export class ConstantPad2d extends PadNd {
  /** `new ConstantPad2d([1, 2, 3, 4], 3.5)`. */
  constructor(padding: number | number[], value: number) {
    super(padding, 2, 'constant', value);
  }
}
/** Pads `[N, C, D, H, W]` with a constant (torch.nn.ConstantPad3d). */
export class ConstantPad3d extends PadNd {
  /** `new ConstantPad3d(1, 0)`. */
  constructor(padding: number | number[], value: number) {
    super(padding, 3, 'constant', value);
  }
}
/** Reflects `[N, C, L]` at its borders (torch.nn.ReflectionPad1d). */
export class ReflectionPad1d extends PadNd {
  /** `new ReflectionPad1d(2)`. */
  constructor(padding: number | number[]) {
    super(padding, 1, 'reflect');
  }
}
/** Reflects `[N, C, H, W]` at its borders (torch.nn.ReflectionPad2d). */
export class ReflectionPad2d extends PadNd {
  /** `new ReflectionPad2d(2)`. */
  constructor(padding: number | number[]) {
    super(padding, 2, 'reflect');
  }
}
/** Repeats the border values of `[N, C, L]` (torch.nn.ReplicationPad1d). */
export class ReplicationPad1d extends PadNd {
  /** `new ReplicationPad1d(2)`. */
  constructor(padding: number | number[]) {
    super(padding, 1, 'replicate');
  }
}
/** Repeats the border values of `[N, C, H, W]` (torch.nn.ReplicationPad2d). */
export class ReplicationPad2d extends PadNd {
  /** `new ReplicationPad2d(1)`. */
  constructor(padding: number | number[]) {
    super(padding, 2, 'replicate');
  }
}
/** Repeats the border values of `[N, C, D, H, W]` (torch.nn.ReplicationPad3d). */
export class ReplicationPad3d extends PadNd {
  /** `new ReplicationPad3d(1)`. */
  constructor(padding: number | number[]) {
    super(padding, 3, 'replicate');
  }
}
