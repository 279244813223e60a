/**
 * Loss modules: each stores its options and calls the F.* loss of the same name. As in PyTorch,
 * class weights are buffers (they move with `to()` and appear in `stateDict()`).
 * @packageDocumentation
 */
import type { Tensor } from '@kiln/tensor';
import * as F from '@kiln/functional';
import { Module } from './module.js';

/** How a loss reduces over elements. */
export type Reduction = 'none' | 'mean' | 'sum';

/** The `reduction` option shared by every loss. */
export interface LossOptions {
  reduction?: Reduction;
}

/** Base of every loss (PyTorch's `_Loss`). */
export abstract class Loss extends Module {
  readonly reduction: Reduction;
  constructor(options: LossOptions = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
  }
  /** Computes the loss of `input` against `target`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  abstract override forward(...args: any[]): Tensor;
}

/** Base of losses with an optional per-class `weight` buffer (PyTorch's `_WeightedLoss`). */
export abstract class WeightedLoss extends Loss {
  weight: Tensor | null = null;
  constructor(options: LossOptions & { weight?: Tensor | null } = {}) {
    super(options);
    this.registerBuffer('weight', options.weight ?? null);
  }
}

/** Mean absolute error (torch.nn.L1Loss). */
export class L1Loss extends Loss {
  /** F.l1Loss. */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, { reduction: this.reduction });
  }
}

/** Mean squared error (torch.nn.MSELoss). */
export class MSELoss extends Loss {
  /** F.mseLoss. */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, { reduction: this.reduction });
  }
}

/** Options of CrossEntropyLoss. */
export interface CrossEntropyLossOptions extends LossOptions {
  weight?: Tensor | null;
  ignoreIndex?: number;
  labelSmoothing?: number;
}

/** log-softmax + negative log-likelihood, class indices or probabilities (torch.nn.CrossEntropyLoss). */
export class CrossEntropyLoss extends WeightedLoss {
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  /** `new CrossEntropyLoss({ labelSmoothing: 0.1 })`. */
  constructor(options: CrossEntropyLossOptions = {}) {
    super(options);
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.labelSmoothing = options.labelSmoothing ?? 0;
  }
  /** F.crossEntropy. */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction, labelSmoothing: this.labelSmoothing });
  }
}

/** Negative log-likelihood of log-probabilities (torch.nn.NLLLoss). */
export class NLLLoss extends WeightedLoss {
  readonly ignoreIndex: number;
  /** `new NLLLoss({ ignoreIndex: 0 })`. */
  constructor(options: LossOptions & { weight?: Tensor | null; ignoreIndex?: number } = {}) {
    super(options);
    this.ignoreIndex = options.ignoreIndex ?? -100;
  }
  /** F.nllLoss. */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

/** Binary cross-entropy of probabilities (torch.nn.BCELoss). */
export class BCELoss extends WeightedLoss {
  /** F.binaryCrossEntropy. */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/** Sigmoid + binary cross-entropy, numerically stable (torch.nn.BCEWithLogitsLoss). */
export class BCEWithLogitsLoss extends Loss {
  weight: Tensor | null = null;
  pos_weight: Tensor | null = null;
  /** `new BCEWithLogitsLoss({ posWeight })`. */
  constructor(options: LossOptions & { weight?: Tensor | null; posWeight?: Tensor | null } = {}) {
    super(options);
    this.registerBuffer('weight', options.weight ?? null);
    this.registerBuffer('pos_weight', options.posWeight ?? null);
  }
  /** F.binaryCrossEntropyWithLogits. */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight: this.pos_weight, reduction: this.reduction });
  }
}

/** L1 below `beta`, quadratic above (torch.nn.SmoothL1Loss). */
export class SmoothL1Loss extends Loss {
  readonly beta: number;
  /** `new SmoothL1Loss({ beta: 0.5 })`. */
  constructor(options: LossOptions & { beta?: number } = {}) {
    super(options);
    this.beta = options.beta ?? 1;
  }
  /** F.smoothL1Loss. */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/** Quadratic below `delta`, linear above (torch.nn.HuberLoss). */
export class HuberLoss extends Loss {
  readonly delta: number;
  /** `new HuberLoss({ delta: 2 })`. */
  constructor(options: LossOptions & { delta?: number } = {}) {
    super(options);
    this.delta = options.delta ?? 1;
  }
  /** F.huberLoss. */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/** Kullback–Leibler divergence of log-probabilities (torch.nn.KLDivLoss). */
export class KLDivLoss extends Loss {
  readonly logTarget: boolean;
  /** `new KLDivLoss({ reduction: 'batchmean' })`. */
  constructor(options: { reduction?: Reduction | 'batchmean'; logTarget?: boolean } = {}) {
    super(options as LossOptions);
    this.logTarget = options.logTarget ?? false;
  }
  /** F.klDiv. */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}

/** max(0, −y · (x1 − x2) + margin) (torch.nn.MarginRankingLoss). */
export class MarginRankingLoss extends Loss {
  readonly margin: number;
  /** `new MarginRankingLoss({ margin: 0.5 })`. */
  constructor(options: LossOptions & { margin?: number } = {}) {
    super(options);
    this.margin = options.margin ?? 0;
  }
  /** F.marginRankingLoss. */
  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return F.marginRankingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}

/** Hinge loss for ±1 targets (torch.nn.HingeEmbeddingLoss). */
export class HingeEmbeddingLoss extends Loss {
  readonly margin: number;
  /** `new HingeEmbeddingLoss({ margin: 1 })`. */
  constructor(options: LossOptions & { margin?: number } = {}) {
    super(options);
    this.margin = options.margin ?? 1;
  }
  /** F.hingeEmbeddingLoss. */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.hingeEmbeddingLoss(input, target, { margin: this.margin, reduction: this.reduction });
  }
}

/** Cosine-similarity loss for ±1 targets (torch.nn.CosineEmbeddingLoss). */
export class CosineEmbeddingLoss extends Loss {
  readonly margin: number;
  /** `new CosineEmbeddingLoss({ margin: 0.5 })`. */
  constructor(options: LossOptions & { margin?: number } = {}) {
    super(options);
    this.margin = options.margin ?? 0;
  }
  /** F.cosineEmbeddingLoss. */
  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return F.cosineEmbeddingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}

/** Triplet loss on anchor/positive/negative embeddings (torch.nn.TripletMarginLoss). */
export class TripletMarginLoss extends Loss {
  readonly margin: number;
  readonly p: number;
  readonly eps: number;
  readonly swap: boolean;
  /** `new TripletMarginLoss({ margin: 1, p: 2 })`. */
  constructor(options: LossOptions & { margin?: number; p?: number; eps?: number; swap?: boolean } = {}) {
    super(options);
    this.margin = options.margin ?? 1;
    this.p = options.p ?? 2;
    this.eps = options.eps ?? 1e-6;
    this.swap = options.swap ?? false;
  }
  /** F.tripletMarginLoss. */
  forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return F.tripletMarginLoss(anchor, positive, negative, { margin: this.margin, p: this.p, eps: this.eps, swap: this.swap, reduction: this.reduction });
  }
}

/** Logistic loss for ±1 targets (torch.nn.SoftMarginLoss). */
export class SoftMarginLoss extends Loss {
  /** F.softMarginLoss. */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.softMarginLoss(input, target, { reduction: this.reduction });
  }
}

/** Multi-label one-versus-all logistic loss (torch.nn.MultiLabelSoftMarginLoss). */
export class MultiLabelSoftMarginLoss extends WeightedLoss {
  /** F.multiLabelSoftMarginLoss. */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.multiLabelSoftMarginLoss(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/** Poisson negative log-likelihood (torch.nn.PoissonNLLLoss). */
export class PoissonNLLLoss extends Loss {
  readonly logInput: boolean;
  readonly full: boolean;
  readonly eps: number;
  /** `new PoissonNLLLoss({ logInput: false })`. */
  constructor(options: LossOptions & { logInput?: boolean; full?: boolean; eps?: number } = {}) {
    super(options);
    this.logInput = options.logInput ?? true;
    this.full = options.full ?? false;
    this.eps = options.eps ?? 1e-8;
  }
  /** F.poissonNllLoss. */
  forward(logInput: Tensor, target: Tensor): Tensor {
    return F.poissonNllLoss(logInput, target, { logInput: this.logInput, full: this.full, eps: this.eps, reduction: this.reduction });
  }
}

/** Gaussian negative log-likelihood with predicted variance (torch.nn.GaussianNLLLoss). */
export class GaussianNLLLoss extends Loss {
  readonly full: boolean;
  readonly eps: number;
  /** `new GaussianNLLLoss({ full: true })`. */
  constructor(options: LossOptions & { full?: boolean; eps?: number } = {}) {
    super(options);
    this.full = options.full ?? false;
    this.eps = options.eps ?? 1e-6;
  }
  /** F.gaussianNllLoss. */
  forward(input: Tensor, target: Tensor, variance: Tensor): Tensor {
    return F.gaussianNllLoss(input, target, variance, { full: this.full, eps: this.eps, reduction: this.reduction });
  }
}

/** Connectionist temporal classification loss (torch.nn.CTCLoss). */
export class CTCLoss extends Loss {
  readonly blank: number;
  readonly zeroInfinity: boolean;
  /** `new CTCLoss({ blank: 0, zeroInfinity: true })`. */
  constructor(options: LossOptions & { blank?: number; zeroInfinity?: boolean } = {}) {
    super(options);
    this.blank = options.blank ?? 0;
    this.zeroInfinity = options.zeroInfinity ?? false;
  }
  /** F.ctcLoss of log-probabilities `[T, N, C]` against int32 targets and per-sample lengths. */
  forward(logProbs: Tensor, targets: Tensor, inputLengths: Tensor | readonly number[], targetLengths: Tensor | readonly number[]): Tensor {
    return F.ctcLoss(logProbs, targets, inputLengths, targetLengths, { blank: this.blank, reduction: this.reduction, zeroInfinity: this.zeroInfinity });
  }
}
