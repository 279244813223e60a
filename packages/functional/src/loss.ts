/**
 * Loss functions with PyTorch's `reduction` ('mean' default, 'sum', 'none'), class weights,
 * `ignoreIndex` and `labelSmoothing` where PyTorch has them. All are composed from tensor ops.
 * @packageDocumentation
 */
import { DTypeError, IndexError, ShapeError, ValueError, arange, fmtShape, tensor as makeTensor, where, type Tensor } from '@kiln/tensor';
import { logSigmoid } from './activations.js';
import { pairwiseDistance } from './distance.js';
import { logSoftmax } from './softmax.js';
import { checkFloat, checkSameShape, reduce, type Reduction } from './util.js';

/** The `reduction` option shared by every loss. */
export interface ReductionOptions {
  /** 'mean' (default): average; 'sum': total; 'none': one loss per element/sample. */
  reduction?: Reduction;
}

/** Options of nllLoss / crossEntropy. */
export interface NllLossOptions extends ReductionOptions {
  /** A manual rescaling weight per class, shape [C]. */
  weight?: Tensor | null;
  /** Targets equal to this class index contribute nothing (default -100). */
  ignoreIndex?: number;
}

/** Options of crossEntropy. */
export interface CrossEntropyOptions extends NllLossOptions {
  /** Mixes the target with the uniform distribution: (1 - ε) target + ε / C. Default 0. */
  labelSmoothing?: number;
}

function diffLoss(fn: string, input: Tensor, target: Tensor): Tensor {
  checkFloat(fn, input);
  // PyTorch broadcasts (with a warning) when the shapes differ; we do the same without the warning
  return input.sub(target);
}

/** Mean squared error (x - y)². */
export function mseLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  return reduce('mseLoss', diffLoss('mseLoss', input, target).square(), options.reduction);
}

/** Mean absolute error |x - y|. */
export function l1Loss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  return reduce('l1Loss', diffLoss('l1Loss', input, target).abs(), options.reduction);
}

/** Smooth L1: 0.5 d² / beta where |d| < beta, else |d| - 0.5 beta (beta default 1; beta 0 is L1). */
export function smoothL1Loss(input: Tensor, target: Tensor, options: ReductionOptions & { beta?: number } = {}): Tensor {
  const beta = options.beta ?? 1;
  if (beta < 0) throw new ValueError(`smoothL1Loss: beta must be non-negative, got ${beta}`);
  const d = diffLoss('smoothL1Loss', input, target).abs();
  const loss = beta === 0 ? d : where(d.lt(beta), d.square().mul(0.5 / beta), d.sub(0.5 * beta));
  return reduce('smoothL1Loss', loss, options.reduction);
}

/** Huber: 0.5 d² where |d| < delta, else delta (|d| - 0.5 delta) (delta default 1). */
export function huberLoss(input: Tensor, target: Tensor, options: ReductionOptions & { delta?: number } = {}): Tensor {
  const delta = options.delta ?? 1;
  if (delta <= 0) throw new ValueError(`huberLoss: delta must be positive, got ${delta}`);
  const d = diffLoss('huberLoss', input, target).abs();
  return reduce('huberLoss', where(d.lt(delta), d.square().mul(0.5), d.sub(0.5 * delta).mul(delta)), options.reduction);
}

/** Checks class-index targets: int dtype, matching batch/spatial shape, values in [0, C) or ignoreIndex. */
function checkClassTarget(fn: string, input: Tensor, target: Tensor, ignoreIndex: number | null): void {
  if (target.dtype !== 'int32') {
    throw new DTypeError(`${fn}: expected target to hold class indices of dtype int32 (PyTorch's int64/long), but got ${target.dtype}; convert with .long(), or pass class probabilities of input's shape to crossEntropy`);
  }
  const expected = [input.shape[0]!, ...input.shape.slice(2)];
  if (input.ndim === 1 ? target.ndim !== 0 : target.ndim !== expected.length || target.shape.some((s, i) => s !== expected[i])) {
    if (input.ndim >= 2 && target.ndim >= 1 && target.shape[0] !== input.shape[0]) {
      throw new ShapeError(`${fn}: Expected input batch_size (${input.shape[0]}) to match target batch_size (${target.shape[0]}) (input ${fmtShape(input.shape)}, target ${fmtShape(target.shape)})`);
    }
    throw new ShapeError(`${fn}: expected target of shape ${input.ndim === 1 ? '[]' : fmtShape(expected)} for input ${fmtShape(input.shape)} ([N, C, d1, …] with classes in dim 1), but got target ${fmtShape(target.shape)}`);
  }
  const C = input.ndim === 1 ? input.shape[0]! : input.shape[1]!;
  if (target.device.type === 'cpu') {
    for (const v of target.dataSync()) {
      if (v !== ignoreIndex && (v < 0 || v >= C)) throw new IndexError(`${fn}: Target ${v} is out of bounds (input has ${C} classes; targets must be in [0, ${C - 1}]${ignoreIndex === null ? '' : ` or ignoreIndex=${ignoreIndex}`})`);
    }
  }
}

/** Negative log likelihood of log-probabilities `input` [N, C, d1…] (or [C]) at class indices `target` [N, d1…]. */
export function nllLoss(input: Tensor, target: Tensor, options: NllLossOptions = {}): Tensor {
  checkFloat('nllLoss', input);
  if (input.ndim === 0) throw new ShapeError('nllLoss: input tensor should be 1D or more (classes in dim 1, or dim 0 when unbatched), but got a 0-D tensor');
  const ignoreIndex = options.ignoreIndex ?? -100;
  checkClassTarget('nllLoss', input, target, ignoreIndex);
  const weight = options.weight ?? null;
  const C = input.ndim === 1 ? input.shape[0]! : input.shape[1]!;
  if (weight && (weight.ndim !== 1 || weight.shape[0] !== C)) throw new ShapeError(`nllLoss: weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape: ${fmtShape(weight.shape)}`);
  const unbatched = input.ndim === 1;
  const x = unbatched ? input.unsqueeze(0) : input;
  const t = unbatched ? target.unsqueeze(0) : target;
  const valid = t.ne(ignoreIndex);
  const safe = where(valid, t, 0);
  const picked = x.gather(1, safe.unsqueeze(1)).squeeze(1);
  const w0 = weight ? weight.indexSelect(0, safe.flatten()).reshape(safe.shape) : valid.to(x.dtype);
  const w = weight ? where(valid, w0, 0) : w0;
  let loss = picked.mul(w).neg();
  const reduction = options.reduction ?? 'mean';
  if (reduction === 'mean') return loss.sum().div(w.sum());
  if (unbatched) loss = loss.squeeze(0);
  return reduce('nllLoss', loss, reduction);
}

/**
 * Cross entropy of unnormalised logits `input` [N, C, d1…] (or [C]) against class indices
 * (int32 [N, d1…]) or class probabilities (float, input's shape) — logSoftmax + nllLoss, with
 * PyTorch's label smoothing.
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  checkFloat('crossEntropy', input);
  if (input.ndim === 0) throw new ShapeError('crossEntropy: input tensor should be 1D or more (classes in dim 1), but got a 0-D tensor');
  const eps = options.labelSmoothing ?? 0;
  if (eps < 0 || eps > 1) throw new ValueError(`crossEntropy: labelSmoothing must be between 0.0 and 1.0. Got: ${eps}`);
  const classDim = input.ndim === 1 ? 0 : 1;
  const C = input.shape[classDim]!;
  const weight = options.weight ?? null;
  const reduction = options.reduction ?? 'mean';
  const logp = logSoftmax(input, classDim);
  const wShape = input.shape.map((_, i) => (i === classDim ? C : 1));
  if (target.dtype !== 'int32') {
    // class probabilities
    checkFloat('crossEntropy', target, 'target');
    checkSameShape('crossEntropy', input, target);
    const t = eps > 0 ? target.mul(1 - eps).add(eps / C) : target;
    let prod = logp.mul(t);
    if (weight) prod = prod.mul(weight.reshape(wShape));
    const loss = prod.sum(classDim).neg();
    if (reduction === 'mean') return loss.sum().div(input.numel() / C);
    return reduce('crossEntropy', loss, reduction);
  }
  const ignoreIndex = options.ignoreIndex ?? -100;
  const nll = nllLoss(logp, target, { weight, ignoreIndex, reduction });
  if (eps === 0) return nll;
  checkClassTarget('crossEntropy', input, target, ignoreIndex);
  const ignored = target.eq(ignoreIndex);
  let smooth = (weight ? logp.mul(weight.reshape(wShape)) : logp).sum(classDim).neg();
  smooth = where(ignored, 0, smooth);
  let ret: Tensor;
  if (reduction === 'mean') {
    const denom = weight ? where(ignored, 0, weight.indexSelect(0, where(ignored, 0, target).flatten()).reshape(target.shape)).sum() : ignored.logicalNot().sum();
    ret = smooth.sum().div(denom);
  } else ret = reduce('crossEntropy', smooth, reduction);
  return nll.mul(1 - eps).add(ret.mul(eps / C));
}

/** Binary cross entropy of probabilities: -w (y log x + (1 - y) log(1 - x)), logs clamped at -100 as in PyTorch. */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: ReductionOptions & { weight?: Tensor | null } = {}): Tensor {
  checkFloat('binaryCrossEntropy', input);
  checkSameShape('binaryCrossEntropy', input, target);
  if (input.device.type === 'cpu' && input.numel() > 0) {
    const lo = input.min().item() as number, hi = input.max().item() as number;
    if (lo < 0 || hi > 1) throw new ValueError(`binaryCrossEntropy: all elements of input should be between 0 and 1 (got values in [${lo}, ${hi}]); apply sigmoid first or use binaryCrossEntropyWithLogits`);
  }
  const logx = input.log().clamp({ min: -100 });
  const log1mx = input.neg().log1p().clamp({ min: -100 });
  let loss = target.mul(logx).add(target.neg().add(1).mul(log1mx)).neg();
  if (options.weight) loss = loss.mul(options.weight);
  return reduce('binaryCrossEntropy', loss, options.reduction);
}

/**
 * Binary cross entropy on logits (sigmoid folded in, numerically stable). `posWeight` weighs the
 * positive term per class: -w (p y log σ(x) + (1 - y) log(1 - σ(x))).
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options: ReductionOptions & { weight?: Tensor | null; posWeight?: Tensor | null } = {}): Tensor {
  checkFloat('binaryCrossEntropyWithLogits', input);
  checkSameShape('binaryCrossEntropyWithLogits', input, target);
  // -log σ(x) = softplus(-x) = log1p(exp(-|x|)) + max(-x, 0)
  const negLogSig = input.abs().neg().exp().log1p().add(input.neg().clamp({ min: 0 }));
  const one = target.neg().add(1);
  let loss: Tensor;
  if (options.posWeight) {
    const logWeight = options.posWeight.sub(1).mul(target).add(1);
    loss = one.mul(input).add(logWeight.mul(negLogSig));
  } else {
    loss = one.mul(input).add(negLogSig);
  }
  if (options.weight) loss = loss.mul(options.weight);
  return reduce('binaryCrossEntropyWithLogits', loss, options.reduction);
}

/**
 * Kullback-Leibler divergence; `input` holds log-probabilities, `target` probabilities (or
 * log-probabilities with `logTarget`). reduction 'batchmean' divides the sum by the batch size
 * (the mathematically correct KL); 'mean' (PyTorch's default) averages over all elements.
 */
export function klDiv(input: Tensor, target: Tensor, options: { reduction?: Reduction | 'batchmean'; logTarget?: boolean } = {}): Tensor {
  checkFloat('klDiv', input);
  const loss = options.logTarget
    ? target.exp().mul(target.sub(input))
    : where(target.gt(0), target.mul(where(target.gt(0), target, 1).log().sub(input)), target.mul(input).neg().mul(0));
  if (options.reduction === 'batchmean') return input.ndim === 0 ? loss.sum() : loss.sum().div(input.shape[0]!);
  return reduce('klDiv', loss, options.reduction);
}

function checkPlusMinusOne(fn: string, a: Tensor, b: Tensor): void {
  checkFloat(fn, a, 'input1');
  if (a.ndim !== b.ndim || a.shape.some((s, i) => s !== b.shape[i])) {
    throw new ShapeError(`${fn}: expected input1 ${fmtShape(a.shape)} and input2 ${fmtShape(b.shape)} to have the same shape`);
  }
}

/** max(0, -y (x1 - x2) + margin) for targets y ∈ {1, -1}. */
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, options: ReductionOptions & { margin?: number } = {}): Tensor {
  checkPlusMinusOne('marginRankingLoss', input1, input2);
  const loss = target.neg().mul(input1.sub(input2)).add(options.margin ?? 0).clamp({ min: 0 });
  return reduce('marginRankingLoss', loss, options.reduction);
}

/** x where y = 1, max(0, margin - x) where y = -1 (margin default 1). */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, options: ReductionOptions & { margin?: number } = {}): Tensor {
  checkFloat('hingeEmbeddingLoss', input);
  const margin = options.margin ?? 1;
  const marginPart = where(target.ne(1), input.neg().add(margin).clamp({ min: 0 }), 0);
  const selfPart = where(target.ne(-1), input, 0);
  return reduce('hingeEmbeddingLoss', marginPart.add(selfPart), options.reduction);
}

/** 1 - cos(x1, x2) where y = 1, max(0, cos(x1, x2) - margin) where y = -1. */
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, options: ReductionOptions & { margin?: number } = {}): Tensor {
  checkPlusMinusOne('cosineEmbeddingLoss', input1, input2);
  if (input1.ndim !== target.ndim + 1) {
    throw new ShapeError(`cosineEmbeddingLoss: expected target of shape [${input1.shape.slice(0, -1).join(', ')}] for inputs ${fmtShape(input1.shape)}, but got ${fmtShape(target.shape)} (1-D inputs take a 0-D target)`);
  }
  const d = target.ndim;
  const EPS = 1e-12;
  const prod = input1.mul(input2).sum(d);
  const m1 = input1.square().sum(d).add(EPS);
  const m2 = input2.square().sum(d).add(EPS);
  const cos = prod.div(m1.mul(m2).sqrt());
  const pos = where(target.eq(1), cos.neg().add(1), 0);
  const neg = where(target.eq(-1), cos.sub(options.margin ?? 0).clamp({ min: 0 }), 0);
  return reduce('cosineEmbeddingLoss', pos.add(neg), options.reduction);
}

/** max(d(a, p) - d(a, n) + margin, 0) with the pairwise p-norm distance (margin 1, p 2, eps 1e-6). */
export function tripletMarginLoss(
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  options: ReductionOptions & { margin?: number; p?: number; eps?: number; swap?: boolean } = {},
): Tensor {
  checkFloat('tripletMarginLoss', anchor, 'anchor');
  if (anchor.ndim !== positive.ndim || anchor.ndim !== negative.ndim) {
    throw new ShapeError(`tripletMarginLoss: expected anchor, positive and negative to have the same number of dims, but got ${fmtShape(anchor.shape)}, ${fmtShape(positive.shape)} and ${fmtShape(negative.shape)}`);
  }
  const o = { p: options.p ?? 2, eps: options.eps ?? 1e-6 };
  const dPos = pairwiseDistance(anchor, positive, o);
  let dNeg = pairwiseDistance(anchor, negative, o);
  if (options.swap) dNeg = dNeg.minimum(pairwiseDistance(positive, negative, o));
  const loss = dPos.sub(dNeg).add(options.margin ?? 1).clamp({ min: 0 });
  return reduce('tripletMarginLoss', loss, options.reduction);
}

/** log(1 + exp(-y x)) for targets y ∈ {1, -1}. */
export function softMarginLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  checkFloat('softMarginLoss', input);
  checkSameShape('softMarginLoss', input, target);
  return reduce('softMarginLoss', target.neg().mul(input).exp().log1p(), options.reduction);
}

/** One-vs-all multi-label loss: mean over classes of the logistic losses of `input` [N, C] against 0/1 `target`. */
export function multilabelSoftMarginLoss(input: Tensor, target: Tensor, options: ReductionOptions & { weight?: Tensor | null } = {}): Tensor {
  checkFloat('multilabelSoftMarginLoss', input);
  checkSameShape('multilabelSoftMarginLoss', input, target);
  let loss = target.mul(logSigmoid(input)).add(target.neg().add(1).mul(logSigmoid(input.neg()))).neg();
  if (options.weight) loss = loss.mul(options.weight);
  const classDim = input.ndim - 1;
  loss = loss.sum(classDim).div(input.shape[classDim]!);
  return reduce('multilabelSoftMarginLoss', loss, options.reduction);
}

/** PyTorch's name for {@link multilabelSoftMarginLoss} (camelCase of `multilabel_soft_margin_loss`). */
export const multiLabelSoftMarginLoss = multilabelSoftMarginLoss;

/**
 * Poisson negative log likelihood: exp(x) - y x with `logInput` (default), else x - y log(x + eps);
 * `full` adds the Stirling term y log y - y + 0.5 log(2π y) for y > 1.
 */
export function poissonNllLoss(input: Tensor, target: Tensor, options: ReductionOptions & { logInput?: boolean; full?: boolean; eps?: number } = {}): Tensor {
  checkFloat('poissonNllLoss', input);
  const logInput = options.logInput ?? true;
  let loss = logInput ? input.exp().sub(target.mul(input)) : input.sub(target.mul(input.add(options.eps ?? 1e-8).log()));
  if (options.full) {
    const safe = where(target.gt(1), target, 1);
    const stirling = safe.mul(safe.log()).sub(safe).add(safe.mul(2 * Math.PI).log().mul(0.5));
    loss = loss.add(where(target.gt(1), stirling, 0));
  }
  return reduce('poissonNllLoss', loss, options.reduction);
}

/**
 * Gaussian negative log likelihood 0.5 (log var + (x - y)² / var) (+ 0.5 log 2π with `full`).
 * `var` has input's shape, or one dim fewer, or a last dim of 1; it is clamped at `eps` without
 * affecting its gradient, as PyTorch does under no_grad.
 */
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor, options: ReductionOptions & { full?: boolean; eps?: number } = {}): Tensor {
  checkFloat('gaussianNllLoss', input);
  let v = variance;
  const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((s, i) => s === b[i]);
  if (!same(v.shape, input.shape)) {
    if (same(input.shape.slice(0, -1), v.shape)) v = v.unsqueeze(-1);
    else if (!(same(input.shape.slice(0, -1), v.shape.slice(0, -1)) && v.shape[v.ndim - 1] === 1)) {
      throw new ShapeError(`gaussianNllLoss: var is of incorrect size: expected ${fmtShape(input.shape)}, ${fmtShape(input.shape.slice(0, -1))} or ${fmtShape([...input.shape.slice(0, -1), 1])}, but got ${fmtShape(variance.shape)}`);
    }
  }
  if (v.device.type === 'cpu' && v.numel() > 0 && (v.min().item() as number) < 0) throw new ValueError('gaussianNllLoss: var has negative entry/entries');
  const eps = options.eps ?? 1e-6;
  // straight-through clamp: the value is clamped, the gradient is var's own
  v = v.add(v.detach().clamp({ min: eps }).sub(v.detach()));
  let loss = v.log().add(input.sub(target).square().div(v)).mul(0.5);
  if (options.full) loss = loss.add(0.5 * Math.log(2 * Math.PI));
  return reduce('gaussianNllLoss', loss, options.reduction);
}

/**
 * Multi-class hinge loss of `input` [N, C] (or [C]) at class indices `target`:
 * Σ_{j≠y} max(0, margin − x_y + x_j)^p / C, weighted by `weight[y]` (p 1 or 2, margin 1).
 */
export function multiMarginLoss(input: Tensor, target: Tensor, options: ReductionOptions & { p?: number; margin?: number; weight?: Tensor | null } = {}): Tensor {
  checkFloat('multiMarginLoss', input);
  const p = options.p ?? 1;
  if (p !== 1 && p !== 2) throw new ValueError(`multiMarginLoss: only p == 1 and p == 2 supported, got p=${p}`);
  if (input.ndim > 2 || input.ndim === 0) throw new ShapeError(`multiMarginLoss: Expected non-empty vector or matrix with optional 0-dim batch size, but got: ${fmtShape(input.shape)}`);
  const x = input.ndim === 1 ? input.unsqueeze(0) : input;
  const t = input.ndim === 1 ? target.reshape([1]) : target;
  checkClassTarget('multiMarginLoss', x, t, null);
  const C = x.shape[1]!;
  const xy = x.gather(1, t.unsqueeze(1));
  let m = x.sub(xy).add(options.margin ?? 1).clamp({ min: 0 });
  if (p === 2) m = m.square();
  if (options.weight) m = m.mul(options.weight.indexSelect(0, t).unsqueeze(1));
  const notTarget = t.unsqueeze(1).ne(tensorArange(C, x));
  let loss = where(notTarget, m, 0).sum(1).div(C);
  if (input.ndim === 1) loss = loss.squeeze(0);
  return reduce('multiMarginLoss', loss, options.reduction);
}

/**
 * Multi-label hinge loss of `input` [N, C] (or [C]); `target` holds class indices padded with -1
 * after the last one: Σ_{j ∈ targets} Σ_{k ∉ targets} max(0, 1 − (x_j − x_k)) / C.
 */
export function multilabelMarginLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  checkFloat('multilabelMarginLoss', input);
  if (target.dtype !== 'int32') throw new DTypeError(`multilabelMarginLoss: expected int32 target (PyTorch's int64), but got ${target.dtype}`);
  checkSameShape('multilabelMarginLoss', input, target);
  const x = input.ndim === 1 ? input.unsqueeze(0) : input;
  const t = input.ndim === 1 ? target.unsqueeze(0) : target;
  const [N, C] = x.shape as [number, number];
  // valid target positions: before the first -1 of each row; membership mask of the target classes
  const data = Array.from(t.dataSync(), Number);
  const valid: boolean[] = [], member = new Array<boolean>(N * C).fill(false);
  for (let n = 0; n < N; n++) {
    let on = true;
    for (let j = 0; j < C; j++) {
      const v = data[n * C + j]!;
      if (v < 0) on = false;
      valid.push(on);
      if (on) {
        if (v >= C) throw new IndexError(`multilabelMarginLoss: target ${v} is out of bounds for ${C} classes`);
        member[n * C + v] = true;
      }
    }
  }
  const dev = x.device;
  const validT = tensorOf(valid, dev).reshape([N, C, 1]);
  const notMember = tensorOf(member, dev).reshape([N, 1, C]).logicalNot();
  const xj = x.gather(1, where(t.lt(0), 0, t)).unsqueeze(2); // [N, C(j), 1]
  const terms = xj.neg().add(x.unsqueeze(1)).add(1).clamp({ min: 0 });
  let loss = where(validT.logicalAnd(notMember), terms, 0).sum([1, 2]).div(C);
  if (input.ndim === 1) loss = loss.squeeze(0);
  return reduce('multilabelMarginLoss', loss, options.reduction);
}

/** tripletMarginLoss with a custom distance function (default: pairwiseDistance). */
export function tripletMarginWithDistanceLoss(
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  options: ReductionOptions & { distanceFunction?: ((a: Tensor, b: Tensor) => Tensor) | null; margin?: number; swap?: boolean } = {},
): Tensor {
  const dist = options.distanceFunction ?? ((a: Tensor, b: Tensor) => pairwiseDistance(a, b));
  const margin = options.margin ?? 1;
  if (margin <= 0) throw new ValueError(`tripletMarginWithDistanceLoss: margin must be greater than 0, got ${margin}`);
  const dPos = dist(anchor, positive);
  let dNeg = dist(anchor, negative);
  if (options.swap) dNeg = dNeg.minimum(dist(positive, negative));
  return reduce('tripletMarginWithDistanceLoss', dPos.sub(dNeg).add(margin).clamp({ min: 0 }), options.reduction);
}

function tensorArange(n: number, like: Tensor): Tensor {
  return arange(n, { device: like.device }).reshape([1, n]);
}

function tensorOf(v: boolean[], device: Tensor['device']): Tensor {
  return makeTensor(v, { device });
}
