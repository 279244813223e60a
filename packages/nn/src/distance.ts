/**
 * CosineSimilarity and PairwiseDistance modules.
 * @packageDocumentation
 */
import type { Tensor } from '@kiln/tensor';
import * as F from '@kiln/functional';
import { Module } from './module.js';

/** Cosine similarity along `dim` (torch.nn.CosineSimilarity). */
export class CosineSimilarity extends Module {
  readonly dim: number;
  readonly eps: number;
  /** `new CosineSimilarity({ dim: 1, eps: 1e-8 })`. */
  constructor(options: { dim?: number; eps?: number } = {}) {
    super();
    this.dim = options.dim ?? 1;
    this.eps = options.eps ?? 1e-8;
  }
  /** F.cosineSimilarity. */
  override forward(x1: Tensor, x2: Tensor): Tensor {
    return F.cosineSimilarity(x1, x2, { dim: this.dim, eps: this.eps });
  }
}

/** p-norm distance between rows (torch.nn.PairwiseDistance). */
export class PairwiseDistance extends Module {
  readonly p: number;
  readonly eps: number;
  readonly keepdim: boolean;
  /** `new PairwiseDistance({ p: 2 })`. */
  constructor(options: { p?: number; eps?: number; keepdim?: boolean } = {}) {
    super();
    this.p = options.p ?? 2;
    this.eps = options.eps ?? 1e-6;
    this.keepdim = options.keepdim ?? false;
  }
  /** F.pairwiseDistance. */
  override forward(x1: Tensor, x2: Tensor): Tensor {
    return F.pairwiseDistance(x1, x2, { p: this.p, eps: this.eps, keepdim: this.keepdim });
  }
}
