/**
 * 2-D max and average pooling, one thread per output element, reading each window straight from
 * the (possibly strided) input instead of through functional's im2col view, its -inf/zero padded
 * copy and the index-table gather.
 *
 * Max pooling matches the decomposition exactly: padding and ceil-mode overhang are skipped (they
 * are -inf there and can only win a tie of -inf values, where the decomposition reports the
 * window's first real element), ties keep the first element in window order, and the first NaN
 * wins. Indices are PyTorch's flat `h·W + w` into each input plane. Average pooling sums the
 * in-bounds window elements in window order (padding counts as zero) and divides by the op's
 * divisor input (a scalar or one value per output position).
 *
 * meta: [n, C, H, W, OH, OW, kh, kw, sh, sw, ph, pw, dh, dw, xOff, xStrides(4)…,
 *        (avg: divOff, divStrideH, divStrideW)] — positions 0…13, 14, 15…18, 19…21.
 * @packageDocumentation
 */
import { HELPERS, MAIN_SIG } from '../wgsl.js';

/** WGSL of maxPool2d (values + int32 indices) or avgPool2d (values divided by the divisor input). */
export function pool2dCode(kind: 'max' | 'avg'): string {
  const bindings = kind === 'max'
    ? `@group(0) @binding(1) var<storage, read> inb: array<f32>;
@group(0) @binding(2) var<storage, read_write> out0: array<f32>;
@group(0) @binding(3) var<storage, read_write> out1: array<i32>;`
    : `@group(0) @binding(1) var<storage, read> inb: array<f32>;
@group(0) @binding(2) var<storage, read> dvb: array<f32>;
@group(0) @binding(3) var<storage, read_write> out0: array<f32>;`;
  const init = kind === 'max' ? 'var best = 0.0; var bi = -1; var done = false;' : 'var s = 0.0;';
  const visit = kind === 'max'
    ? `if (done) { break; }
      let v = inb[u32(base + h * xsh + w * xsw)];
      // the first real element starts the scan; then larger values and the first NaN win
      if (bi < 0 || isnan_f(v) || v > best) { best = v; bi = h * W + w; done = isnan_f(v); }`
    : `s = s + inb[u32(base + h * xsh + w * xsw)];`;
  const store = kind === 'max'
    ? 'out0[i] = best; out1[i] = bi;'
    : 'out0[i] = s / dvb[u32(prm[19] + oh * prm[20] + ow * prm[21])];';
  return `@group(0) @binding(0) var<storage, read> prm: array<i32>;
${bindings}
${HELPERS}
${MAIN_SIG}
  if (i >= u32(prm[0])) { return; }
  let C = prm[1]; let H = prm[2]; let W = prm[3]; let OH = prm[4]; let OW = prm[5];
  let kh = prm[6]; let kw = prm[7];
  let ii = i32(i);
  let ow = ii % OW;
  let oh = (ii / OW) % OH;
  let c = (ii / (OW * OH)) % C;
  let b = ii / (OW * OH * C);
  let base = prm[14] + b * prm[15] + c * prm[16];
  let xsh = prm[17]; let xsw = prm[18];
  let h0 = oh * prm[8] - prm[10];
  let w0 = ow * prm[9] - prm[11];
  ${init}
  for (var p = 0; p < kh; p++) {
    let h = h0 + p * prm[12];
    if (h < 0 || h >= H) { continue; }
    for (var q = 0; q < kw; q++) {
      let w = w0 + q * prm[13];
      if (w < 0 || w >= W) { continue; }
      ${visit}
    }
  }
  ${store}
}`;
}
