/**
 * Connectionist Temporal Classification loss (Graves et al. 2006), composed from tensor ops: the
 * forward (alpha) recursion over the blank-interleaved targets runs one time step per iteration
 * in log space, so autograd differentiates it. Impossible alignments are carried as a large
 * finite negative number instead of -inf (−inf − (−inf) would turn zero gradients into NaN); a
 * loss that stays that large is reported as +inf (or 0 with `zeroInfinity`), as in PyTorch.
 * The gradient w.r.t. `logProbs` follows PyTorch's convention (see the note in the code).
 * @packageDocumentation
 */
import { DTypeError, ShapeError, ValueError, cat, fmtShape, isTensor, stack, tensor, where, type Tensor } from '@kiln/tensor';
import { checkFloat, reduce, type Reduction } from './util.js';

/** Keyword arguments of ctcLoss. */
export interface CtcLossOptions {
  /** Index of the blank label (default 0). */
  blank?: number;
  /** 'mean' (default) divides each loss by its target length, then averages over the batch. */
  reduction?: Reduction;
  /** Replace infinite losses (no valid alignment) and their gradients by zero. Default false. */
  zeroInfinity?: boolean;
}

const NEG = -1e30;

function lengths(v: Tensor | readonly number[], n: number, name: string): number[] {
  const a = isTensor(v) ? Array.from((v as Tensor).reshape([-1]).dataSync(), Number) : [...(v as readonly number[])];
  if (a.length !== n) throw new ShapeError(`ctcLoss: expected ${name} to have ${n} entries (one per batch element), but got ${a.length}`);
  return a;
}

/**
 * CTC loss of `logProbs` [T, N, C] (log-softmax over C) against `targets` ([N, S] padded, or the
 * concatenated 1-D targets), with per-sample `inputLengths` and `targetLengths`.
 */
export function ctcLoss(logProbs: Tensor, targets: Tensor, inputLengths: Tensor | readonly number[], targetLengths: Tensor | readonly number[], options: CtcLossOptions = {}): Tensor {
  checkFloat('ctcLoss', logProbs, 'logProbs');
  if (logProbs.ndim !== 3) throw new ShapeError(`ctcLoss: expected logProbs of shape [T, N, C], but got ${fmtShape(logProbs.shape)}`);
  if (targets.dtype !== 'int32') throw new DTypeError(`ctcLoss: expected int32 targets (PyTorch's int64), but got ${targets.dtype}`);
  const [T, N, C] = logProbs.shape as [number, number, number];
  const blank = options.blank ?? 0;
  if (blank < 0 || blank >= C) throw new ValueError(`ctcLoss: blank must be in label range [0, ${C}), got ${blank}`);
  const inLen = lengths(inputLengths, N, 'inputLengths');
  const tgLen = lengths(targetLengths, N, 'targetLengths');
  const flat = Array.from(targets.reshape([-1]).dataSync(), Number);
  const S = Math.max(0, ...tgLen);
  const L = 2 * S + 1;
  // blank-interleaved labels l' and the "may skip from s-2" mask
  const ext: number[] = [], skip: boolean[] = [];
  let offset = 0;
  for (let n = 0; n < N; n++) {
    if (inLen[n]! > T || inLen[n]! < 0) throw new ValueError(`ctcLoss: Expected input_lengths to have value at most ${T}, but got value ${inLen[n]}`);
    const start = targets.ndim === 2 ? n * targets.shape[1]! : offset;
    offset += tgLen[n]!;
    const lab = (s: number) => (s % 2 === 0 || (s - 1) / 2 >= tgLen[n]! ? blank : flat[start + (s - 1) / 2]!);
    for (let s = 0; s < L; s++) {
      ext.push(lab(s));
      skip.push(s >= 2 && lab(s) !== blank && lab(s) !== lab(s - 2));
    }
  }
  const dev = logProbs.device;
  const idx = tensor(ext, { dtype: 'int32', device: dev }).reshape([1, N, L]).expand([T, N, L]);
  const lp = logProbs.gather(2, idx); // [T, N, L]
  const skipMask = tensor(skip, { device: dev }).reshape([N, L]);
  const pos = tensor([...Array(L).keys()], { dtype: 'int32', device: dev }).reshape([1, L]);
  const negRow = (k: number) => tensor(NEG, { dtype: logProbs.dtype, device: dev }).expand([N, k]);
  let alpha = where(pos.lt(2), lp.select(0, 0), NEG);
  for (let t = 1; t < T; t++) {
    // alpha shifted right by one and by two label positions (the new left entries are impossible)
    const prev1 = L > 1 ? cat([negRow(1), alpha.narrow(1, 0, L - 1)], 1) : negRow(L);
    const prev2 = L > 2 ? where(skipMask, cat([negRow(2), alpha.narrow(1, 0, L - 2)], 1), NEG) : negRow(L);
    const next = stack([alpha, prev1, prev2]).logsumexp(0).add(lp.select(0, t));
    const active = tensor(inLen.map((l) => t < l), { device: dev }).reshape([N, 1]);
    alpha = where(active, next, alpha);
  }
  // end in the last label or the final blank
  const endIdx = tensor(tgLen.map((l) => 2 * l), { dtype: 'int32', device: dev }).reshape([N, 1]);
  const lastBlank = alpha.gather(1, endIdx);
  const lastLabel = alpha.gather(1, endIdx.sub(1).clamp({ min: 0 }));
  const hasLabel = tensor(tgLen.map((l) => l > 0), { device: dev }).reshape([N, 1]);
  const ends = stack([lastBlank, where(hasLabel, lastLabel, NEG)]).logsumexp(0).reshape([N]);
  let loss = ends.neg();
  // PyTorch's CTC backward returns exp(lp) − γ (the gradient w.r.t. the logits of a log_softmax
  // that it assumes produced logProbs) instead of the true −γ. Both give the same logits gradient
  // through logSoftmax; to match PyTorch w.r.t. logProbs too, add a term whose value is exactly 0
  // and whose gradient is exp(lp) over each sample's valid time steps.
  const valid = tensor(Array.from({ length: T * N }, (_, i) => Math.floor(i / N) < inLen[i % N]!), { device: dev }).reshape([T, N, 1]);
  const e = logProbs.exp();
  loss = loss.add(where(valid, e.sub(e.detach()), 0).sum([0, 2]));
  const impossible = loss.gt(-NEG / 2);
  loss = options.zeroInfinity ? where(impossible, 0, loss) : where(impossible, Infinity, loss);
  const reduction = options.reduction ?? 'mean';
  if (reduction === 'mean') {
    const tl = tensor(tgLen.map((l) => Math.max(l, 1)), { dtype: logProbs.dtype, device: dev });
    return loss.div(tl).mean();
  }
  return reduce('ctcLoss', loss, reduction);
}
