/**
 * im2col straight into the GEMM's packed panels: the weight gradient's A operand here (the
 * forward's B operand is packed by WebAssembly, see wasm/conv-module.ts). functional's convolution
 * materialises the column matrix (an overlapping strided view made contiguous) and then the GEMM packs it again; packing
 * the columns directly from the image skips both the gather through an offset list and the second
 * copy — for the MNIST CNN's second layer that is 10.6 M floats per pass, more time than the GEMM.
 *
 * Geometry follows PyTorch: output position o along a spatial dim reads input index
 * `o·stride − padding + k·dilation` for kernel tap k; indices outside the image read 0.
 * @packageDocumentation
 */
import { KC } from '../wasm/matmul.js';
import { MR, NR } from '../wasm/runtime.js';

/** A 2-D convolution's geometry (one group). */
export interface Conv2dGeometry {
  /** Batch, input channels, input height and width. */
  B: number; C: number; H: number; W: number;
  /** Kernel height and width. */
  kh: number; kw: number;
  sh: number; sw: number;
  ph: number; pw: number;
  dh: number; dw: number;
  /** Output height and width. */
  OH: number; OW: number;
}

if (NR !== 8 || MR !== 4) throw new Error('im2col-pack assumes a 4×8 GEMM tile');

/**
 * Packs the columns of the whole batch as GEMM operand A for the weight gradient: rows (c, i, j)
 * (C·kh·kw of them, padded to `mPad`), K = B·OH·OW columns (b, oh, ow).
 */
export function packIm2colA(dst: Float32Array, at: number, x: Float32Array, xOff: number, g: Conv2dGeometry, mPad: number): void {
  const { B, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW } = g;
  const rows = C * kh * kw;
  const khw = kh * kw;
  const L = OH * OW;
  const K = B * L;
  const image = C * H * W;
  for (let p0 = 0; p0 < K; p0 += KC) {
    const kcp = Math.min(KC, K - p0);
    const blk = at + p0 * mPad;
    for (let r0 = 0; r0 < mPad; r0 += 4) {
      const panel = blk + (r0 >> 2) * kcp * 4;
      for (let lane = 0; lane < 4; lane++) {
        const r = r0 + lane;
        if (r >= rows) {
          for (let kk = 0; kk < kcp; kk++) dst[panel + kk * 4 + lane] = 0;
          continue;
        }
        const c = (r / khw) | 0;
        const i = ((r - c * khw) / kw) | 0;
        const j = r - c * khw - i * kw;
        // walk (b, oh, ow) from column p0 in runs along ow (one input row each)
        let b = (p0 / L) | 0;
        let oh = ((p0 - b * L) / OW) | 0;
        let ow = p0 - b * L - oh * OW;
        const iw0 = j * dw - pw;
        for (let kk = 0; kk < kcp; ) {
          const len = Math.min(OW - ow, kcp - kk);
          const ih = oh * sh - ph + i * dh;
          let d = panel + kk * 4 + lane;
          if (ih < 0 || ih >= H) {
            for (let t = 0; t < len; t++, d += 4) dst[d] = 0;
          } else {
            const src = xOff + b * image + (c * H + ih) * W;
            for (let t = 0, iw = iw0 + ow * sw; t < len; t++, d += 4, iw += sw) dst[d] = iw >= 0 && iw < W ? x[src + iw]! : 0;
          }
          kk += len;
          ow += len;
          if (ow === OW) {
            ow = 0;
            if (++oh === OH) {
              oh = 0;
              b++;
            }
          }
        }
      }
    }
  }
}

/**
 * Packs B (K × N) whose row k starts at `rowOffsets[k]` and whose columns are `sn` apart — the
 * output gradient [B, Cout, L] read as (b·L + l, cout) for the weight gradient.
 */
export function packBRows(dst: Float32Array, at: number, src: Float32Array, rowOffsets: Int32Array, sn: number, N: number, nPad: number): void {
  const K = rowOffsets.length;
  for (let p0 = 0; p0 < K; p0 += KC) {
    const kcp = Math.min(KC, K - p0);
    const blk = at + p0 * nPad;
    for (let n0 = 0; n0 < nPad; n0 += 8) {
      const width = Math.min(8, N - n0);
      let d = blk + (n0 >> 3) * kcp * 8;
      for (let kk = 0; kk < kcp; kk++) {
        const s = rowOffsets[p0 + kk]! + n0 * sn;
        for (let l = 0; l < width; l++) dst[d + l] = src[s + l * sn]!;
        for (let l = width; l < 8; l++) dst[d + l] = 0;
        d += 8;
      }
    }
  }
}

/**
 * col2im: adds the columns `cols` (rows (c, i, j) with a pitch of `pitch` floats, columns (y, x)
 * over the `Sh × Sw` grid of window positions, starting at float `at`) back into image `out` at
 * `outOff` ([C, H, W]); the adjoint of im2col, used for the input gradient.
 */
export function col2imAdd(cols: Float32Array, at: number, pitch: number, out: Float32Array, outOff: number, g: Conv2dGeometry): void {
  const { C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, OH: Sh, OW: Sw } = g;
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const crow = at + ((c * kh + i) * kw + j) * pitch;
        const iw0 = j * dw - pw;
        // window positions x whose input column iw0 + x·sw lies inside [0, W)
        const x0 = Math.max(0, Math.ceil(-iw0 / sw));
        const x1 = Math.min(Sw, Math.floor((W - 1 - iw0) / sw) + 1);
        for (let y = 0; y < Sh; y++) {
          const ih = y * sh - ph + i * dh;
          if (ih < 0 || ih >= H) continue;
          const orow = outOff + (c * H + ih) * W + iw0;
          const src = crow + y * Sw;
          if (sw === 1) for (let x = x0; x < x1; x++) out[orow + x] = out[orow + x]! + cols[src + x]!;
          else for (let x = x0; x < x1; x++) out[orow + x * sw] = out[orow + x * sw]! + cols[src + x]!;
        }
      }
    }
  }
}
