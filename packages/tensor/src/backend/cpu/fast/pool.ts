/**
 * Fast float32 2-D max pooling (values and PyTorch's flat argmax indices) for the common case
 * without padding or ceil mode, where every window lies inside the image. functional's
 * decomposition builds -inf-padded im2col windows, a max over them and an index-table gather;
 * here each window is scanned once in place.
 * @packageDocumentation
 */
import type { Dense } from './conv2d.js';
import { recycleArray, takeArray, takeF32 } from '../array-pool.js';
import { roundUp, runKernel } from '../wasm/matmul.js';
import { wasmRuntime } from '../wasm/runtime.js';

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
  const values = takeF32(B * C * OH * OW, false); // every element is written
  const indices = takeArray('int32', values.length, false) as Int32Array;
  const rt = wasmRuntime();
  const planeIn = H * W, planeOut = OH * OW;
  // operands that do not live in the kernel memory are staged (floats from the scratch base):
  // input | values | indices
  const px = rt?.addressOf(x.data, x.offset) ?? null, pv = rt?.addressOf(values, 0) ?? null, pi = rt?.addressOf(indices, 0) ?? null;
  const vAt = px === null ? roundUp(B * C * planeIn, 4) : 0;
  const iAt = vAt + (pv === null ? roundUp(values.length, 4) : 0);
  const scratch = rt?.reserve((iAt + (pi === null ? values.length : 0)) * 4 + 16);
  if (rt && scratch) {
    const { mem, base } = scratch;
    if (px === null) mem.set(x.data.subarray(x.offset, x.offset + B * C * planeIn), base);
    const args = [px ?? base * 4, pv ?? (base + vAt) * 4, pi ?? (base + iAt) * 4, H, W, OH, OW];
    if (kh === 2 && kw === 2 && sh === 2 && sw === 2 && dh === 1 && dw === 1) {
      runKernel(rt, 'maxPool2x2', args, B * C, 4 * values.length);
    } else {
      runKernel(rt, 'maxPool2d', [...args, kh, kw, sh, sw, dh, dw], B * C, 4 * values.length * kh * kw);
    }
    if (pv === null) values.set(mem.subarray(base + vAt, base + vAt + values.length));
    if (pi === null) indices.set(new Int32Array(mem.buffer, (base + iAt) * 4, values.length));
    return { values, indices, shape: [B, C, OH, OW] };
  }
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

/**
 * maxPool2d's backward (functional's `maxPool2dBackward` op): gx [B, C, H, W] with every output
 * gradient g [B, C, OH, OW] added at its window's arg-max `indices` (flat positions inside each
 * input plane, as the forward returned them), zeros elsewhere. Null without the WebAssembly kernels.
 */
export function maxPool2dBackward(g: Dense, indices: { data: Int32Array; offset: number }, inputShape: readonly number[]): { data: Float32Array; shape: number[] } | null {
  const rt = wasmRuntime();
  if (!rt) return null;
  const [B, C, H, W] = inputShape as [number, number, number, number];
  const planes = B * C, HW = H * W;
  const L = g.shape.length === 4 ? g.shape[2]! * g.shape[3]! : 0;
  const n = planes * L;
  // operands that do not live in the kernel memory are staged (floats from the scratch base):
  // gx | g | indices
  const gx = takeF32(planes * HW, false); // every element is written
  const pgx = rt.addressOf(gx, 0), pg = rt.addressOf(g.data, g.offset), pi = rt.addressOf(indices.data, indices.offset);
  const gAt = pgx === null ? roundUp(planes * HW, 4) : 0;
  const iAt = gAt + (pg === null ? roundUp(n, 4) : 0);
  const scratch = rt.reserve((iAt + (pi === null ? n : 0)) * 4 + 16);
  if (!scratch) {
    recycleArray(gx);
    return null;
  }
  const { mem, base } = scratch;
  if (pg === null) mem.set(g.data.subarray(g.offset, g.offset + n), base + gAt);
  if (pi === null) new Int32Array(mem.buffer, (base + iAt) * 4, n).set(indices.data.subarray(indices.offset, indices.offset + n));
  runKernel(rt, 'maxPool2dBackward', [pgx ?? base * 4, pg ?? (base + gAt) * 4, pi ?? (base + iAt) * 4, HW, L], planes, 4 * (planes * HW + n));
  if (pgx === null) gx.set(mem.subarray(base, base + planes * HW));
  return { data: gx, shape: [B, C, H, W] };
}
