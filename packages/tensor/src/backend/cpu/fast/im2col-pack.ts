/**
 * col2im for the CPU backend's transposed convolution (the input gradient): the adjoint of im2col,
 * adding columns back into an image. (im2col itself, for the forward and the weight gradient, is
 * packed straight into the GEMM's panels by WebAssembly: wasm/conv-module.ts.)
 *
 * Geometry follows PyTorch: output position o along a spatial dim reads input index
 * `o·stride − padding + k·dilation` for kernel tap k; indices outside the image read 0.
 * @packageDocumentation
 */

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
