/**
 * Scaled dot-product attention, composed: softmax(q kᵀ · scale + mask) v.
 * @packageDocumentation
 */
import { ShapeError, fmtShape, ones, where, type Tensor } from '@kiln/tensor';
import { dropout } from './dropout.js';
import { softmax } from './softmax.js';
import { checkFloat } from './util.js';

/** Keyword arguments of scaledDotProductAttention (PyTorch 2.x names). */
export interface AttentionOptions {
  /** Bool mask (true = may attend) or float mask added to the scores; broadcasts to [*, L, S]. */
  attnMask?: Tensor | null;
  /** Dropout probability on the attention weights (applied only when > 0). Default 0. */
  dropoutP?: number;
  /** Apply a lower-triangular (causal) mask; cannot be combined with attnMask. */
  isCausal?: boolean;
  /** Scale of the scores; default 1 / sqrt(E). */
  scale?: number | null;
}

/** Attention of query [*, L, E] over key [*, S, E] / value [*, S, Ev] → [*, L, Ev]. */
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, options: AttentionOptions = {}): Tensor {
  checkFloat('scaledDotProductAttention', query, 'query');
  const E = query.shape[query.ndim - 1]!;
  if (query.ndim < 2 || key.ndim < 2 || key.shape[key.ndim - 1] !== E || key.shape[key.ndim - 2] !== value.shape[value.ndim - 2]) {
    throw new ShapeError(
      `scaledDotProductAttention: expected query [*, L, E], key [*, S, E] and value [*, S, Ev] with matching E and S, but got query ${fmtShape(query.shape)}, key ${fmtShape(key.shape)}, value ${fmtShape(value.shape)}`,
    );
  }
  if (options.isCausal && options.attnMask) throw new ShapeError('scaledDotProductAttention: Explicit attn_mask should not be set when is_causal=True');
  const L = query.shape[query.ndim - 2]!, S = key.shape[key.ndim - 2]!;
  const scale = options.scale ?? 1 / Math.sqrt(E);
  let scores = query.matmul(key.transpose(-2, -1)).mul(scale);
  let mask = options.attnMask ?? null;
  if (options.isCausal) mask = ones([L, S], { dtype: 'bool', device: query.device }).tril();
  if (mask) scores = mask.dtype === 'bool' ? where(mask, scores, -Infinity) : scores.add(mask);
  let attn = softmax(scores, -1);
  if ((options.dropoutP ?? 0) > 0) attn = dropout(attn, { p: options.dropoutP!, training: true });
  return attn.matmul(value);
}
