/**
 * Dropout variants. Masks are drawn from the global generator (`manualSeed` makes them
 * reproducible); the values cannot match PyTorch's because the generators differ.
 * @packageDocumentation
 */
import { ValueError, fmtShape, rand, ShapeError, type Tensor } from '@kiln/tensor';
import { checkFloat, maybeInplace } from './util.js';

/** Options of the dropout functions (PyTorch's defaults: p 0.5, training true). */
export interface DropoutOptions {
  /** Probability of an element (channel) to be zeroed. */
  p?: number;
  /** Apply dropout (true) or return the input unchanged (false). */
  training?: boolean;
  inplace?: boolean;
}

function checkP(fn: string, p: number): void {
  if (!(p >= 0 && p <= 1)) throw new ValueError(`${fn}: dropout probability has to be between 0 and 1, but got ${p}`);
}

/** A {0,1} mask of `shape` that is 1 with probability `keep`. */
function bernoulli(shape: readonly number[], keep: number, like: Tensor): Tensor {
  return rand([...shape], { dtype: like.dtype, device: like.device }).lt(keep).to(like.dtype);
}

/** Zeroes elements with probability p and scales the rest by 1 / (1 - p). */
export function dropout(input: Tensor, options: DropoutOptions = {}): Tensor {
  checkFloat('dropout', input);
  const p = options.p ?? 0.5;
  checkP('dropout', p);
  if (!(options.training ?? true) || p === 0) return input;
  const y = p === 1 ? input.mul(0) : input.mul(bernoulli(input.shape, 1 - p, input).div(1 - p));
  return maybeInplace(input, y, options.inplace);
}

function featureDropout(fn: string, input: Tensor, options: DropoutOptions, spatial: number): Tensor {
  checkFloat(fn, input);
  const p = options.p ?? 0.5;
  checkP(fn, p);
  if (input.ndim !== spatial + 1 && input.ndim !== spatial + 2) {
    throw new ShapeError(`${fn}: expected ${spatial + 1}-D (unbatched) or ${spatial + 2}-D (batched) input, but got input of size ${fmtShape(input.shape)}`);
  }
  if (!(options.training ?? true) || p === 0) return input;
  // one draw per (sample, channel), broadcast over the spatial dims
  const lead = input.ndim - spatial;
  const maskShape = input.shape.map((s, i) => (i < lead ? s : 1));
  const y = p === 1 ? input.mul(0) : input.mul(bernoulli(maskShape, 1 - p, input).div(1 - p));
  return maybeInplace(input, y, options.inplace);
}

/** Zeroes whole channels of [N, C, L] (or [C, L]). */
export function dropout1d(input: Tensor, options: DropoutOptions = {}): Tensor {
  return featureDropout('dropout1d', input, options, 1);
}

/** Zeroes whole channels of [N, C, H, W] (or [C, H, W]). */
export function dropout2d(input: Tensor, options: DropoutOptions = {}): Tensor {
  return featureDropout('dropout2d', input, options, 2);
}

/** Zeroes whole channels of [N, C, D, H, W] (or [C, D, H, W]). */
export function dropout3d(input: Tensor, options: DropoutOptions = {}): Tensor {
  return featureDropout('dropout3d', input, options, 3);
}

/**
 * Alpha dropout (for SELU networks): dropped elements are set to the SELU saturation value and
 * the result is affinely rescaled so mean and variance are kept.
 */
export function alphaDropout(input: Tensor, options: DropoutOptions = {}): Tensor {
  checkFloat('alphaDropout', input);
  const p = options.p ?? 0.5;
  checkP('alphaDropout', p);
  if (!(options.training ?? true) || p === 0) return input;
  if (p === 1) return maybeInplace(input, input.mul(0), options.inplace);
  const alpha = 1.7580993408473766;
  const a = 1 / Math.sqrt((alpha * alpha * p + 1) * (1 - p));
  const keep = bernoulli(input.shape, 1 - p, input);
  const b = keep.sub(1).mul(alpha * a).add(alpha * a * p);
  return maybeInplace(input, input.mul(keep.mul(a)).add(b), options.inplace);
}
