/**
 * Dropout layers: active only in training mode (`model.eval()` turns them into identities).
 * @packageDocumentation
 */
import { ValueError, type Tensor } from '@kiln/tensor';
import * as F from '@kiln/functional';
import { Module } from './module.js';
import { py, pyFloat } from './shape-check.js';

/** Shared part of the dropout layers (PyTorch's `_DropoutNd`). */
abstract class DropoutNd extends Module {
  readonly p: number;
  readonly inplace: boolean;
  constructor(p: number, options: { inplace?: boolean }) {
    super();
    if (p < 0 || p > 1) throw new ValueError(`dropout probability has to be between 0 and 1, but got ${p}`);
    this.p = p;
    this.inplace = options.inplace ?? false;
  }
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${py(this.inplace)}`;
  }
}

/** Zeroes elements with probability `p` and scales the rest by 1/(1-p) (torch.nn.Dropout). */
export class Dropout extends DropoutNd {
  /** `new Dropout(0.2)`. */
  constructor(p = 0.5, options: { inplace?: boolean } = {}) {
    super(p, options);
  }
  /** Dropout in training mode, identity in eval mode. */
  override forward(input: Tensor): Tensor {
    return F.dropout(input, { p: this.p, training: this.training, inplace: this.inplace });
  }
}

/** Zeroes whole channels of `[N, C, H, W]` (torch.nn.Dropout2d). */
export class Dropout2d extends DropoutNd {
  /** `new Dropout2d(0.2)`. */
  constructor(p = 0.5, options: { inplace?: boolean } = {}) {
    super(p, options);
  }
  /** Channel dropout in training mode, identity in eval mode. */
  override forward(input: Tensor): Tensor {
    return F.dropout2d(input, { p: this.p, training: this.training, inplace: this.inplace });
  }
}

/** Dropout that keeps SELU's self-normalising mean and variance (torch.nn.AlphaDropout). */
export class AlphaDropout extends DropoutNd {
  /** `new AlphaDropout(0.2)`. */
  constructor(p = 0.5, options: { inplace?: boolean } = {}) {
    super(p, options);
  }
  /** Alpha dropout in training mode, identity in eval mode. */
  override forward(input: Tensor): Tensor {
    return F.alphaDropout(input, { p: this.p, training: this.training });
  }
}

/** Zeroes whole channels of `[N, C, L]` (torch.nn.Dropout1d). */
export class Dropout1d extends DropoutNd {
  /** `new Dropout1d(0.2)`. */
  constructor(p = 0.5, options: { inplace?: boolean } = {}) {
    super(p, options);
  }
  /** Channel dropout in training mode, identity in eval mode. */
  override forward(input: Tensor): Tensor {
    return F.dropout1d(input, { p: this.p, training: this.training, inplace: this.inplace });
  }
}

/** Zeroes whole channels of `[N, C, D, H, W]` (torch.nn.Dropout3d). */
export class Dropout3d extends DropoutNd {
  /** `new Dropout3d(0.2)`. */
  constructor(p = 0.5, options: { inplace?: boolean } = {}) {
    super(p, options);
  }
  /** Channel dropout in training mode, identity in eval mode. */
  override forward(input: Tensor): Tensor {
    return F.dropout3d(input, { p: this.p, training: this.training, inplace: this.inplace });
  }
}
