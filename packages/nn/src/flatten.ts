/**
 * Flatten and Unflatten (views, no copy when strides allow).
 * @packageDocumentation
 */
import type { Tensor } from '@kiln/tensor';
import { Module } from './module.js';
import { pyTuple } from './shape-check.js';

/** Flattens dims `startDim..endDim` (torch.nn.Flatten; defaults 1 and -1 keep the batch dim). */
export class Flatten extends Module {
  /** Creates the layer. */
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
  }
  /** `input.flatten(startDim, endDim)`. */
  override forward(input: Tensor): Tensor {
    return input.flatten(this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/** Splits dim `dim` into `unflattenedSize` (torch.nn.Unflatten). */
export class Unflatten extends Module {
  /** Creates the layer. */
  constructor(readonly dim: number, readonly unflattenedSize: readonly number[]) {
    super();
  }
  /** `input.unflatten(dim, unflattenedSize)`. */
  override forward(input: Tensor): Tensor {
    return input.unflatten(this.dim, this.unflattenedSize);
  }
  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=${pyTuple(this.unflattenedSize)}`;
  }
}
