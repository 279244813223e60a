/**
 * 2-D convolution as implicit GEMM: no im2col buffer is ever written; the GEMM's patch operand is
 * gathered straight from the (possibly strided) image while a tile is staged in workgroup memory.
 *
 * - forward and transposed convolution share one kernel, `Y[M, cols] = A[M, K] · P[K, cols]`,
 *   with `M` output channels, `K = Cin·kh·kw` kernel taps and one column per output pixel
 *   (`cols = N·OH·OW`). A is the weight (read through its strides, so convTranspose2d's
 *   `[Cin, Cout, kh, kw]` weight is used without a transposed copy); P is the tap's input pixel:
 *   - forward: `x[n, ci, oh·sh − ph + ky·dh, ow·sw − pw + kx·dw]` (0 outside the image);
 *   - transposed (gather form: each output pixel sums the taps that land on it):
 *     `x[n, ci, (oh + ph − ky·dh) / sh, …]` where the division is exact and in range, else 0.
 * - the weight gradient `dW[M, K] = Σ_r G[M, r] · P[r, K]` contracts over `r = N·OH·OW`, which is
 *   long while `M·K` is small, so the contraction is split across workgroups (split-K) into
 *   partial sums that a second dispatch adds up in a fixed order (deterministic, no atomics).
 *
 * A workgroup of `wx × wy` threads computes a `wy·rm × 64` output tile, each thread an `rm × rn`
 * block in vec4 accumulators, from K slices staged K-major as vec4s, so the inner loop is
 * `rm/4 + rn/4` vec4 reads and `rm·rn/4` vec4 FMAs per k. What a kernel tap means — the input
 * offset of its channel, its row/column displacement, the weight's offset — is decoded once on
 * the host into a per-tap table in the metadata, which keeps integer division (slow, and
 * scalarised on CPU adapters such as SwiftShader) out of the tile loads.
 * @packageDocumentation
 */

import { ValueError } from '@kiln/tensor';

/** Output columns per workgroup tile. */
export const CONV_TN = 64;

/**
 * A kernel's thread layout: `wx × wy` threads, each computing `rm × rn` outputs (multiples of
 * 4, held as vec4s along the columns); the tile is `wy·rm` rows × `wx·rn` (= {@link CONV_TN})
 * columns.
 */
export interface ConvLayout { wx: number; wy: number; rm: number; rn: number; /** K (contraction) slice staged per step. */ kt: number }

/** Rows (output channels) per workgroup tile. */
export const convTileRows = (l: ConvLayout): number => l.wy * l.rm;

/**
 * Metadata header of {@link convGemmCode} (int32 words), followed by the tap table: 4 words per
 * tap k = (ci, ky, kx): `ci·xsC`, `ky·dh`, `kx·dw`, and the weight offset `ci·wsC + ky·wsY + kx·wsX`.
 * [0] M, [1] cols, [2] K, [3] OH, [4] OW (output image), [5] H, [6] W (input image), [7] sh,
 * [8] sw, [9] ph, [10] pw, [11] x offset, [12] x batch stride, [13] xsH, [14] xsW, [15] weight
 * offset, [16] weight stride along M, [17] has bias, [18] bias offset, [19] bias stride.
 */
export const CONV_META_WORDS = 20;

/**
 * Metadata header of {@link convWeightGradCode}, followed by the tap table: 3 words per tap,
 * `ci·xsC`, `ky·dh`, `kx·dw`.
 * [0] M, [1] K, [2] R = N·OH·OW, [3] OH, [4] OW, [5] H, [6] W, [7] sh, [8] sw, [9] ph, [10] pw,
 * [11] x offset, [12] xsN, [13] xsH, [14] xsW, [15] grad offset, [16] gsN, [17] gsC, [18] gsH,
 * [19] gsW, [20] contraction length per split, [21] M·K.
 */
export const WGRAD_META_WORDS = 22;

/** Throws unless the layout's loaders tile exactly (a programming error, not a user one). */
function checkLayout(l: ConvLayout): void {
  const T = l.wx * l.wy;
  const ok = l.wx * l.rn === CONV_TN && l.rm % 4 === 0 && l.rn % 4 === 0 && T % CONV_TN === 0 && T % l.kt === 0 && (l.kt * CONV_TN) % T === 0 && (l.kt * l.wy * l.rm) % T === 0;
  if (!ok) throw new ValueError(`webgpu conv: invalid kernel layout ${JSON.stringify(l)}`);
}

const unrolled = (n: number, body: (q: number) => string) => Array.from({ length: n }, (_, q) => body(q)).join('\n');

/** Workgroup memory, accumulators and the multiply–accumulate over one staged slice. */
function gemmParts(l: ConvLayout): { decl: string; acc: string; mac: string; store: (write: (i: string, j: string, v: string) => string) => string } {
  checkLayout(l);
  const tm = convTileRows(l);
  const [am4, an4] = [tm / 4, CONV_TN / 4];
  const [ra, rb] = [l.rm / 4, l.rn / 4];
  const decl = `var<workgroup> tA: array<vec4f, ${l.kt * am4}>; // [k][rows / 4]
var<workgroup> tB: array<vec4f, ${l.kt * an4}>; // [k][cols / 4]`;
  const acc = `var acc: array<vec4f, ${l.rm * rb}>; // [row][cols / 4]`;
  const loads = [
    ...Array.from({ length: ra }, (_, i) => `      let a${i} = tA[kk * ${am4}u + lid.y * ${ra}u + ${i}u];`),
    ...Array.from({ length: rb }, (_, j) => `      let b${j} = tB[kk * ${an4}u + lid.x * ${rb}u + ${j}u];`),
  ].join('\n');
  const fmas = unrolled(l.rm, (r) => unrolled(rb, (j) => `      acc[${r * rb + j}] += a${Math.floor(r / 4)}.${'xyzw'[r % 4]} * b${j};`));
  const mac = `    for (var kk = 0u; kk < ${l.kt}u; kk++) {
${loads}
${fmas}
    }`;
  const store = (write: (i: string, j: string, v: string) => string) => `  for (var i = 0; i < ${l.rm}; i++) {
    for (var j = 0; j < ${l.rn}; j++) {
      ${write(`m0 + i32(lid.y) * ${l.rm} + i`, `c0 + i32(lid.x) * ${l.rn} + j`, `acc[i * ${rb} + j / 4][j % 4]`)}
    }
  }`;
  return { decl, acc, mac, store };
}

/**
 * WGSL of the forward (`transposed = false`) or transposed convolution as implicit GEMM.
 * Bindings: 0 meta, 1 x, 2 weight, 3 bias (any buffer when there is none), 4 out (contiguous
 * [N, M, OH, OW]). Dispatch: x·z = column tiles (z folds past the per-dimension limit), y = row tiles.
 */
export function convGemmCode(transposed: boolean, l: ConvLayout): string {
  const T = l.wx * l.wy;
  const tm = convTileRows(l);
  const bStep = T / CONV_TN; // patch-tile rows one pass of T threads stages
  const bPasses = (l.kt * CONV_TN) / T;
  const aStep = T / l.kt;
  const aPasses = (l.kt * tm) / T;
  const tab = CONV_META_WORDS;
  const p = gemmParts(l);
  // where a tap of the thread's output pixel reads the input, and whether it is inside
  const gather = transposed
    ? `        let th = th0 - prm[e + 1];
        let tw = tw0 - prm[e + 2];
        let ih = th / sh;
        let iw = tw / sw;
        if (th >= 0 && tw >= 0 && th % sh == 0 && tw % sw == 0 && ih < H && iw < W) { v = X[u32(xBase + prm[e] + ih * xsH + iw * xsW)]; }`
    : `        let ih = ih0 + prm[e + 1];
        let iw = iw0 + prm[e + 2];
        if (ih >= 0 && iw >= 0 && ih < H && iw < W) { v = X[u32(xBase + prm[e] + ih * xsH + iw * xsW)]; }`;
  return `@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> Wt: array<f32>;
@group(0) @binding(3) var<storage, read> Bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> Y: array<f32>;
${p.decl}

@compute @workgroup_size(${l.wx}, ${l.wy})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_id) lid: vec3u, @builtin(local_invocation_index) t: u32) {
  let M = prm[0]; let NC = prm[1]; let K = prm[2]; let OH = prm[3]; let OW = prm[4];
  let H = prm[5]; let W = prm[6]; let sh = prm[7]; let sw = prm[8];
  let xsH = prm[13]; let xsW = prm[14]; let wsM = prm[16];
  let tileN = i32(wg.x + wg.z * nwg.x);
  if (tileN * ${CONV_TN} >= NC) { return; }
  let c0 = tileN * ${CONV_TN};
  let m0 = i32(wg.y) * ${tm};
  let L = OH * OW;

  // the patch loader: each thread always stages the same output pixel (column)
  let bc = i32(t % ${CONV_TN}u);
  let br = i32(t / ${CONV_TN}u);
  let col = c0 + bc;
  let colOk = col < NC;
  let n = col / L;
  let l = col % L;
  let oh = l / OW;
  let ow = l % OW;
  let ih0 = oh * sh - prm[9];
  let iw0 = ow * sw - prm[10];
  let th0 = oh + prm[9];
  let tw0 = ow + prm[10];
  let xBase = prm[11] + n * prm[12];
  // the weight loader: one tap per thread and slice, ${aPasses} output channels
  let ak = i32(t % ${l.kt}u);
  let am = i32(t / ${l.kt}u);

  ${p.acc}
  for (var k0 = 0; k0 < K; k0 += ${l.kt}) {
    {
      let k = k0 + ak;
      var wk = 0;
      if (k < K) { wk = prm[15] + prm[${tab} + 4 * k + 3]; }
      for (var q = 0; q < ${aPasses}; q++) {
        let ml = am + q * ${aStep};
        let m = m0 + ml;
        var v = 0.0;
        if (m < M && k < K) { v = Wt[u32(wk + m * wsM)]; }
        tA[ak * ${tm / 4} + ml / 4][ml % 4] = v;
      }
    }
    for (var q = 0; q < ${bPasses}; q++) {
      let kr = br + q * ${bStep};
      let kb = k0 + kr;
      var v = 0.0;
      if (colOk && kb < K) {
        let e = ${tab} + 4 * kb;
${gather}
      }
      tB[kr * ${CONV_TN / 4} + bc / 4][bc % 4] = v;
    }
    workgroupBarrier();
${p.mac}
    workgroupBarrier();
  }
${p.store((m, c, v) => `let m = ${m}; let c = ${c};
      if (m < M && c < NC) {
        var b = 0.0;
        if (prm[17] != 0) { b = Bias[u32(prm[18] + m * prm[19])]; }
        Y[u32(((c / L) * M + m) * L + c % L)] = ${v} + b;
      }`)}
}`;
}

/**
 * WGSL of the conv2d weight gradient as implicit GEMM with split-K. Bindings: 0 meta, 1 x,
 * 2 grad, 3 out (`splits` partial [M, K] blocks, split `wg.z` at `wg.z · M·K`).
 * Dispatch: x = K tiles, y = M tiles, z = splits.
 */
export function convWeightGradCode(l: ConvLayout): string {
  const T = l.wx * l.wy;
  const tm = convTileRows(l);
  const step = T / l.kt;
  const aPasses = (l.kt * tm) / T;
  const bPasses = (l.kt * CONV_TN) / T;
  const tab = WGRAD_META_WORDS;
  const p = gemmParts(l);
  return `@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> G: array<f32>;
@group(0) @binding(3) var<storage, read_write> Out: array<f32>;
${p.decl}

@compute @workgroup_size(${l.wx}, ${l.wy})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(local_invocation_index) t: u32) {
  let M = prm[0]; let NK = prm[1]; let R = prm[2]; let OH = prm[3]; let OW = prm[4];
  let H = prm[5]; let W = prm[6]; let sh = prm[7]; let sw = prm[8];
  let xsH = prm[13]; let xsW = prm[14]; let gsC = prm[17];
  let L = OH * OW;
  let c0 = i32(wg.x) * ${CONV_TN};
  let m0 = i32(wg.y) * ${tm};
  let r0 = i32(wg.z) * prm[20];
  let r1 = min(R, r0 + prm[20]);
  // each thread stages one output pixel r of the slice: ${aPasses} gradient channels and ${bPasses} taps
  let ar = i32(t % ${l.kt}u);
  let ai = i32(t / ${l.kt}u);

  ${p.acc}
  for (var rb = r0; rb < r1; rb += ${l.kt}) {
    let r = rb + ar;
    let rOk = r < r1;
    let n = r / L;
    let l = r % L;
    let oh = l / OW;
    let ow = l % OW;
    let gBase = prm[15] + n * prm[16] + oh * prm[18] + ow * prm[19];
    let xBase = prm[11] + n * prm[12];
    let ih0 = oh * sh - prm[9];
    let iw0 = ow * sw - prm[10];
    for (var q = 0; q < ${aPasses}; q++) {
      let ml = ai + q * ${step};
      let m = m0 + ml;
      var v = 0.0;
      if (rOk && m < M) { v = G[u32(gBase + m * gsC)]; }
      tA[ar * ${tm / 4} + ml / 4][ml % 4] = v;
    }
    for (var q = 0; q < ${bPasses}; q++) {
      let kc = ai + q * ${step};
      let k = c0 + kc;
      var v = 0.0;
      if (rOk && k < NK) {
        let e = ${tab} + 3 * k;
        let ih = ih0 + prm[e + 1];
        let iw = iw0 + prm[e + 2];
        if (ih >= 0 && iw >= 0 && ih < H && iw < W) { v = X[u32(xBase + prm[e] + ih * xsH + iw * xsW)]; }
      }
      tB[ar * ${CONV_TN / 4} + kc / 4][kc % 4] = v;
    }
    workgroupBarrier();
${p.mac}
    workgroupBarrier();
  }
  let base = i32(wg.z) * prm[21];
${p.store((m, c, v) => `let m = ${m}; let c = ${c};
      if (m < M && c < NK) { Out[u32(base + m * NK + c)] = ${v}; }`)}
}`;
}

/**
 * WGSL that adds `splits` partial blocks of `len` floats in order (split-K's second pass).
 * Bindings: 0 meta [len, splits], 1 partials, 2 out. One thread per output element.
 */
export const SPLIT_SUM_CODE = `@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read> P: array<f32>;
@group(0) @binding(2) var<storage, read_write> Out: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * 64u;
  let len = u32(prm[0]);
  if (i >= len) { return; }
  var s = 0.0;
  for (var z = 0u; z < u32(prm[1]); z++) { s += P[z * len + i]; }
  Out[i] = s;
}`;
