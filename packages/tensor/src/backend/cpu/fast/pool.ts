/**
 * Fast float32 2-D max pooling (values and PyTorch's flat argmax indices) for the common case
 * without padding or ceil mode, where every window lies inside the image. functional's
 * decomposition builds -inf-padded im2col windows, a max over them and an index-table gather;
 * here each window is scanned once in place.
 * @packageDocumentation
 */
import type { Dense } from './conv2d.js';
import { takeArray, takeF32 } from '../array-pool.js';

/** Pooling attributes as functional's maxPool ops carry them. */
export interface PoolAttrs { kernel: number[]; stride: number[]; padding: number[]; dilation: number[]; ceilMode: boolean; out: number[] }

/**
 * Values [B, C, OH, OW] and int32 indices (ih·W + iw into each input plane) of the window
 * maxima, or null when padding is used (the decomposition handles -inf padding and ceil mode).
 * Ties keep the first window element and NaN wins, as in the reference max.
 */
export function maxPool2dForward(x: Dense, a: PoolAttrs): { values: Float32Array; indices: Int32Array; shape: number[] } | null {
  if (a.padding.some((p) => p !== 0)) return null;
  const [B, C, H, W] = x.shape as [number, number, number, number];
  const [kh, kw] = a.kernel as [number, number];
  const [sh, sw] = a.stride as [number, number];
  const [dh, dw] = a.dilation as [number, number];
  const [OH, OW] = a.out as [number, number];
  // ceil mode may add a last window that overhangs the image: leave that to the decomposition
  if ((OH - 1) * sh + dh * (kh - 1) >= H || (OW - 1) * sw + dw * (kw - 1) >= W) return null;
  const values = takeF32(B * C * OH * OW);
  const indices = takeArray('int32', values.length) as Int32Array;
  const d = x.data;
  let o = 0;
  for (let p = 0; p < B * C; p++) {
    const plane = x.offset + p * H * W;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++, o++) {
        const h0 = oh * sh, w0 = ow * sw;
        let bi = h0 * W + w0;
        let best = d[plane + bi]!;
        scan: for (let i = 0; i < kh; i++) {
          for (let j = 0; j < kw; j++) {
            if (best !== best) break scan; // NaN already won
            const at = (h0 + i * dh) * W + w0 + j * dw;
            const v = d[plane + at]!;
            if (v > best || v !== v) {
              best = v;
              bi = at;
            }
          }
        }
        values[o] = best;
        indices[o] = bi;
      }
    }
  }
  return { values, indices, shape: [B, C, OH, OW] };
}
