/**
 * Normalisation layers as functions: batchNorm, instanceNorm, layerNorm, groupNorm,
 * localResponseNorm. Statistics use the biased variance (as PyTorch normalises); running
 * variances are updated in place, without recording, with the unbiased variance (n / (n - 1)).
 * @packageDocumentation
 */
import { ShapeError, ValueError, fmtShape, noGrad, padConstant, type Tensor } from '@kiln/tensor';
import { avgPool2d, avgPool3d } from './pooling.js';
import { checkFloat } from './util.js';

/** Keyword arguments of batchNorm. */
export interface BatchNormOptions {
  /** Per-channel scale γ, shape [C]. */
  weight?: Tensor | null;
  /** Per-channel shift β, shape [C]. */
  bias?: Tensor | null;
  /** Use batch statistics (and update the running ones). Default false, as in F.batch_norm. */
  training?: boolean;
  /** Weight of the new statistics in the running average. Default 0.1. */
  momentum?: number;
  /** Added to the variance for stability. Default 1e-5. */
  eps?: number;
}

function channelShape(x: Tensor): number[] {
  return x.shape.map((s, i) => (i === 1 ? s : 1));
}

function checkParam(fn: string, t: Tensor | null | undefined, name: string, C: number, x: Tensor): void {
  if (t && (t.ndim !== 1 || t.shape[0] !== C)) {
    throw new ShapeError(`${fn}: expected ${name} to have shape [${C}] (one entry per channel of input ${fmtShape(x.shape)}), but got ${fmtShape(t.shape)}`);
  }
}

function affine(y: Tensor, weight: Tensor | null | undefined, bias: Tensor | null | undefined, shape: number[]): Tensor {
  let r = y;
  if (weight) r = r.mul(weight.reshape(shape));
  if (bias) r = r.add(bias.reshape(shape));
  return r;
}

/** Updates running stats in place: r ← (1 - m) r + m s. */
function updateRunning(running: Tensor | null | undefined, stat: Tensor, momentum: number): void {
  if (!running) return;
  noGrad(() => running.mul_(1 - momentum).add_(stat.detach().mul(momentum)));
}

/** Batch normalisation of [N, C, *] over N and the spatial dims, per channel. */
export function batchNorm(input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, options: BatchNormOptions = {}): Tensor {
  checkFloat('batchNorm', input);
  if (input.ndim < 2) throw new ShapeError(`batchNorm: expected input of shape [N, C, *] (2-D or more), but got ${fmtShape(input.shape)}`);
  const C = input.shape[1]!;
  const { weight, bias } = options;
  const training = options.training ?? false;
  const eps = options.eps ?? 1e-5;
  for (const [t, name] of [[runningMean, 'runningMean'], [runningVar, 'runningVar'], [weight, 'weight'], [bias, 'bias']] as const) checkParam('batchNorm', t, name, C, input);
  const dims = input.shape.map((_, i) => i).filter((i) => i !== 1);
  const shape = channelShape(input);
  let mean: Tensor, variance: Tensor;
  if (training) {
    const n = input.numel() / C;
    if (n <= 1) throw new ValueError(`batchNorm: Expected more than 1 value per channel when training, got input size ${fmtShape(input.shape)}; use a batch of 2 or more, or eval mode`);
    mean = input.mean(dims, { keepdim: true });
    variance = input.sub(mean).square().mean(dims, { keepdim: true });
    updateRunning(runningMean, mean.reshape([C]), options.momentum ?? 0.1);
    updateRunning(runningVar, variance.reshape([C]).mul(n / (n - 1)), options.momentum ?? 0.1);
  } else {
    if (!runningMean || !runningVar) throw new ValueError('batchNorm: runningMean and runningVar must be given when training is false (or pass training: true to use batch statistics)');
    mean = runningMean.reshape(shape);
    variance = runningVar.reshape(shape);
  }
  const y = input.sub(mean).div(variance.add(eps).sqrt());
  return affine(y, weight, bias, shape);
}

/** Instance normalisation of [N, C, *]: per sample and channel over the spatial dims. */
export function instanceNorm(
  input: Tensor,
  options: { runningMean?: Tensor | null; runningVar?: Tensor | null; weight?: Tensor | null; bias?: Tensor | null; useInputStats?: boolean; momentum?: number; eps?: number } = {},
): Tensor {
  checkFloat('instanceNorm', input);
  if (input.ndim < 3) throw new ShapeError(`instanceNorm: expected input of shape [N, C, *spatial] (3-D or more), but got ${fmtShape(input.shape)}`);
  const C = input.shape[1]!;
  const eps = options.eps ?? 1e-5;
  const shape = channelShape(input);
  const dims = input.shape.map((_, i) => i).slice(2);
  let mean: Tensor, variance: Tensor;
  if (options.useInputStats ?? true) {
    const n = dims.reduce((p, d) => p * input.shape[d]!, 1);
    if (n <= 1) throw new ValueError(`instanceNorm: Expected more than 1 spatial element when training, got input size ${fmtShape(input.shape)}`);
    mean = input.mean(dims, { keepdim: true });
    variance = input.sub(mean).square().mean(dims, { keepdim: true });
    // PyTorch averages the per-instance statistics over the batch for the running buffers
    updateRunning(options.runningMean, mean.reshape([-1, C]).mean(0), options.momentum ?? 0.1);
    updateRunning(options.runningVar, variance.reshape([-1, C]).mean(0).mul(n / (n - 1)), options.momentum ?? 0.1);
  } else {
    if (!options.runningMean || !options.runningVar) throw new ValueError('instanceNorm: useInputStats false needs runningMean and runningVar');
    mean = options.runningMean.reshape(shape);
    variance = options.runningVar.reshape(shape);
  }
  return affine(input.sub(mean).div(variance.add(eps).sqrt()), options.weight, options.bias, shape);
}

/** Layer normalisation over the trailing `normalizedShape` dims, with elementwise affine weight/bias of that shape. */
export function layerNorm(input: Tensor, normalizedShape: number | readonly number[], options: { weight?: Tensor | null; bias?: Tensor | null; eps?: number } = {}): Tensor {
  checkFloat('layerNorm', input);
  const ns = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  const tail = input.shape.slice(input.ndim - ns.length);
  if (ns.length > input.ndim || tail.some((s, i) => s !== ns[i])) {
    throw new ShapeError(`layerNorm: Given normalized_shape=${fmtShape(ns)}, expected input with shape [*, ${ns.join(', ')}], but got input of size ${fmtShape(input.shape)}`);
  }
  for (const [t, name] of [[options.weight, 'weight'], [options.bias, 'bias']] as const) {
    if (t && (t.ndim !== ns.length || t.shape.some((s, i) => s !== ns[i]))) throw new ShapeError(`layerNorm: expected ${name} of shape ${fmtShape(ns)}, but got ${fmtShape(t.shape)}`);
  }
  const dims = ns.map((_, i) => input.ndim - ns.length + i);
  const mean = input.mean(dims, { keepdim: true });
  const variance = input.sub(mean).square().mean(dims, { keepdim: true });
  let y = input.sub(mean).div(variance.add(options.eps ?? 1e-5).sqrt());
  if (options.weight) y = y.mul(options.weight);
  if (options.bias) y = y.add(options.bias);
  return y;
}

/** Group normalisation of [N, C, *]: channels split into `numGroups` groups, each normalised per sample. */
export function groupNorm(input: Tensor, numGroups: number, options: { weight?: Tensor | null; bias?: Tensor | null; eps?: number } = {}): Tensor {
  checkFloat('groupNorm', input);
  if (input.ndim < 2) throw new ShapeError(`groupNorm: expected input of shape [N, C, *], but got ${fmtShape(input.shape)}`);
  const [N, C] = input.shape as [number, number];
  if (C % numGroups !== 0) throw new ShapeError(`groupNorm: Expected number of channels in input ${fmtShape(input.shape)} (${C}) to be divisible by num_groups, but got num_groups=${numGroups}`);
  checkParam('groupNorm', options.weight, 'weight', C, input);
  checkParam('groupNorm', options.bias, 'bias', C, input);
  const g = input.reshape([N, numGroups, -1]);
  const mean = g.mean(2, { keepdim: true });
  const variance = g.sub(mean).square().mean(2, { keepdim: true });
  const y = g.sub(mean).div(variance.add(options.eps ?? 1e-5).sqrt()).reshape(input.shape);
  return affine(y, options.weight, options.bias, channelShape(input));
}

/** Local response normalisation across channels: x / (k + alpha/size · Σ x²)^beta over `size` neighbouring channels. */
export function localResponseNorm(input: Tensor, size: number, options: { alpha?: number; beta?: number; k?: number } = {}): Tensor {
  checkFloat('localResponseNorm', input);
  if (input.ndim < 3) throw new ShapeError(`localResponseNorm: Expected 3D or higher dimensionality input (got ${input.ndim} dimensions, shape ${fmtShape(input.shape)})`);
  if (input.numel() === 0) return input;
  const sq = input.square().unsqueeze(1);
  let div: Tensor;
  const lo = Math.floor(size / 2), hi = Math.floor((size - 1) / 2);
  if (input.ndim === 3) {
    div = avgPool2d(padConstant(sq, [0, 0, lo, hi]), [size, 1], { stride: 1 }).squeeze(1);
  } else {
    const s = input.shape;
    const v = sq.reshape([s[0]!, 1, s[1]!, s[2]!, -1]);
    div = avgPool3d(padConstant(v, [0, 0, 0, 0, lo, hi]), [size, 1, 1], { stride: 1 }).squeeze(1).reshape(s);
  }
  div = div.mul(options.alpha ?? 1e-4).add(options.k ?? 1).pow(options.beta ?? 0.75);
  return input.div(div);
}
