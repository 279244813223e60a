/**
 * Fast float32 2-D convolution kernels on the WebAssembly GEMM, used by the CPU backend as
 * overrides of functional's `conv2d`, `conv2dWeightGrad` and `convTranspose2d` ops (groups = 1):
 * - forward: y[b] = W [Cout, C·kh·kw] @ cols(x[b]), the columns packed straight from the image by
 *   WebAssembly, image by image on every kernel thread (wasm/conv-module.ts);
 * - weight gradient: dWᵀ = Σ_b cols(x_b) [C·kh·kw, L] @ gy_bᵀ [L, Cout], per image in WebAssembly;
 * - transposed convolution (the input gradient): with stride 1 and Cin ≤ Cout, the forward kernel
 *   on flipped weights; otherwise cols = Wᵀ @ x[b], added back by col2im, per image in WebAssembly.
 * Each returns null when it does not apply (other dtype, groups, rank, no SIMD) so the caller can
 * run functional's own decomposition.
 * @packageDocumentation
 */
import { KC, MC_PANELS, roundUp, runKernel } from '../wasm/matmul.js';
import { packA } from '../wasm/pack.js';
import { MR, NR, wasmRuntime } from '../wasm/runtime.js';
import { recycleArray, takeF32 } from '../array-pool.js';

/** A contiguous float32 operand: its buffer and the offset of element 0. */
export interface Dense { data: Float32Array; offset: number; shape: readonly number[] }

/** Convolution attributes as functional's conv ops carry them. */
export interface ConvAttrs { stride: number[]; padding: number[]; dilation: number[]; groups: number }

/**
 * A 2-D convolution's geometry (one group). PyTorch's rule: output position o along a spatial dim
 * reads input index `o·stride − padding + k·dilation` for kernel tap k; outside the image reads 0.
 */
interface Conv2dGeometry {
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

function geometry(x: Dense, kh: number, kw: number, a: ConvAttrs, OH: number, OW: number): Conv2dGeometry {
  const [B, C, H, W] = x.shape as [number, number, number, number];
  return {
    B, C, H, W, kh, kw, OH, OW,
    sh: a.stride[0]!, sw: a.stride[1]!, ph: a.padding[0]!, pw: a.padding[1]!, dh: a.dilation[0]!, dw: a.dilation[1]!,
  };
}

const outSize = (len: number, k: number, s: number, p: number, d: number) => Math.floor((len + 2 * p - d * (k - 1) - 1) / s) + 1;

/** conv2d forward: x [B, C, H, W], w [Cout, C, kh, kw], optional bias [Cout] → [B, Cout, OH, OW]. */
export function conv2dForward(x: Dense, w: Dense, bias: Dense | null, a: ConvAttrs): { data: Float32Array; shape: number[] } | null {
  const rt = wasmRuntime();
  if (!rt) return null;
  const [Cout, , kh, kw] = w.shape as [number, number, number, number];
  const OH = outSize(x.shape[2]!, kh, a.stride[0]!, a.padding[0]!, a.dilation[0]!);
  const OW = outSize(x.shape[3]!, kw, a.stride[1]!, a.padding[1]!, a.dilation[1]!);
  const g = geometry(x, kh, kw, a, OH, OW);
  const K = g.C * kh * kw;
  const L = OH * OW;
  const image = g.C * g.H * g.W;
  // kernel memory (floats, from the scratch base): packed weights | column and product slots (only
  // those of each thread's first image are touched: the rest is address space) | the batch's
  // images, the output and the bias unless they already live in the kernel memory
  const mPad = roundUp(Cout, MR);
  const nPad = roundUp(L, NR);
  const out = takeF32(g.B * Cout * L, false); // every element is written
  const px = rt.addressOf(x.data, x.offset);
  const pOut = rt.addressOf(out, 0);
  const pBias = bias ? rt.addressOf(bias.data, bias.offset) : null;
  const slot = roundUp(K * nPad, 16);
  const cSize = roundUp(mPad * nPad, 16);
  const sAt = roundUp(mPad * K, 16);
  const cAt = sAt + g.B * slot;
  const xAt = cAt + g.B * cSize;
  const outAt = roundUp(xAt + (px === null ? g.B * image : 0), 16);
  const biasAt = roundUp(outAt + (pOut === null ? g.B * Cout * L : 0), 16);
  const scratch = rt.reserve((biasAt + (pBias === null ? Cout : 0)) * 4);
  if (!scratch) {
    recycleArray(out);
    return null;
  }
  const { mem, base } = scratch;
  const rowOffsets = new Int32Array(Cout).map((_, r) => w.offset + r * K);
  packA(mem, base, w.data, { rowOffsets, colStride: 1 }, K, mPad, MR, KC);
  if (px === null) mem.set(x.data.subarray(x.offset, x.offset + g.B * image), base + xAt);
  if (pBias === null) {
    if (bias) mem.set(bias.data.subarray(bias.offset, bias.offset + Cout), base + biasAt);
    else mem.fill(0, base + biasAt, base + biasAt + Cout);
  }
  const at = (i: number) => (base + i) * 4;
  const args = [at(0), px ?? at(xAt), at(sAt), slot * 4, at(cAt), cSize * 4, mPad, nPad, KC, MC_PANELS,
    g.C, g.H, g.W, kh, kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, OH, OW, pOut ?? at(outAt), pBias ?? at(biasAt), Cout];
  runKernel(rt, 'convForward', args, g.B, 2 * g.B * mPad * nPad * K);
  if (pOut === null) out.set(mem.subarray(base + outAt, base + outAt + g.B * Cout * L));
  return { data: out, shape: [g.B, Cout, OH, OW] };
}

/**
 * conv2dWeightGrad: x [B, C, H, W], gy [B, Cout, OH, OW] → dW [Cout, C, kh, kw], as
 * dWᵀ = Σ_b cols(x_b) · gy_bᵀ in WebAssembly: every kernel thread packs and multiplies its own images
 * into its own partial sum, and the partial sums are added here.
 */
export function conv2dWeightGrad(x: Dense, gy: Dense, weightShape: readonly number[], a: ConvAttrs): { data: Float32Array; shape: number[] } | null {
  const rt = wasmRuntime();
  if (!rt) return null;
  const [Cout, , kh, kw] = weightShape as [number, number, number, number];
  const [, , OH, OW] = gy.shape as [number, number, number, number];
  const g = geometry(x, kh, kw, a, OH, OW);
  const rows = g.C * kh * kw;
  const L = OH * OW;
  const image = g.C * g.H * g.W;
  const mPad = roundUp(rows, MR);
  const nPad = roundUp(Cout, NR);
  // kernel memory (floats, from the scratch base): per-range A, B and partial-sum slots | images |
  // output gradients (the last two only when they do not already live in the kernel memory)
  const aSlot = roundUp(mPad * L, 16);
  const bSlot = roundUp(L * nPad, 16);
  const cSlot = roundUp(mPad * nPad, 16);
  const px = rt.addressOf(x.data, x.offset);
  const pgy = rt.addressOf(gy.data, gy.offset);
  const aAt = 0;
  const bAt = aAt + g.B * aSlot;
  const cAt = bAt + g.B * bSlot;
  const xAt = cAt + g.B * cSlot;
  const gyAt = roundUp(xAt + (px === null ? g.B * image : 0), 16);
  const scratch = rt.reserve((gyAt + (pgy === null ? g.B * Cout * L : 0)) * 4);
  if (!scratch) return null;
  const { mem, base } = scratch;
  if (px === null) mem.set(x.data.subarray(x.offset, x.offset + g.B * image), base + xAt);
  if (pgy === null) mem.set(gy.data.subarray(gy.offset, gy.offset + g.B * Cout * L), base + gyAt);
  const at = (i: number) => (base + i) * 4;
  const args = [at(aAt), aSlot * 4, at(bAt), bSlot * 4, px ?? at(xAt), pgy ?? at(gyAt), at(cAt), cSlot * 4, mPad, nPad, KC, MC_PANELS,
    Cout, g.C, g.H, g.W, kh, kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, OH, OW];
  const starts = runKernel(rt, 'convWeightGrad', args, g.B, 2 * g.B * mPad * nPad * L);
  // dWᵀ [rows, Cout] (pitch nPad) summed over the ranges' slots, written transposed
  const out = takeF32(Cout * rows, false); // every element is written
  const c0 = base + cAt;
  for (let r = 0; r < rows; r++) {
    for (let co = 0; co < Cout; co++) {
      let v = 0;
      for (const u of starts) v += mem[c0 + u * cSlot + r * nPad + co]!;
      out[co * rows + r] = v;
    }
  }
  return { data: out, shape: [...weightShape] };
}

/**
 * convTranspose2d: x [B, Cin, Sh, Sw], w [Cin, Cout, kh, kw], optional bias [Cout] →
 * [B, Cout, outH, outW] with outH = (Sh − 1)·stride − 2·padding + dilation·(kh − 1) + outputPadding + 1.
 *
 * Two routes with the same GEMM flops, differing in the extra pass around the GEMM:
 * - the plain convolution of x with flipped weights (stride 1 only, {@link transposeAsConv}):
 *   im2col of x, Cin·kh·kw·outH·outW elements, shared by Cout output rows;
 * - per image in WebAssembly on every kernel thread: cols = Wᵀ·x_b, then col2im into the output,
 *   Cout·kh·kw·Sh·Sw elements added back, with a GEMM only Cin deep.
 * The pass over fewer elements wins (measured: flipping is 2–3× faster for Cin ≪ Cout and for
 * Cin = Cout up to ~10 % faster, but slower for the MNIST CNN's input gradient, Cin = 2·Cout:
 * 38 against 21 ms once col2im adds contiguous runs four floats at a time).
 */
export function convTranspose2d(x: Dense, w: Dense, bias: Dense | null, a: ConvAttrs & { outputPadding: number[] }): { data: Float32Array; shape: number[] } | null {
  const rt = wasmRuntime();
  if (!rt) return null;
  const [B, Cin, Sh, Sw] = x.shape as [number, number, number, number];
  const [, Cout, kh, kw] = w.shape as [number, number, number, number];
  const outH = (Sh - 1) * a.stride[0]! - 2 * a.padding[0]! + a.dilation[0]! * (kh - 1) + a.outputPadding[0]! + 1;
  const outW = (Sw - 1) * a.stride[1]! - 2 * a.padding[1]! + a.dilation[1]! * (kw - 1) + a.outputPadding[1]! + 1;
  const flipped = transposeAsConv(x.shape, w.shape, a);
  if (flipped) {
    const wf = flipWeights(w);
    const y = conv2dForward(x, { data: wf, offset: 0, shape: [Cout, Cin, kh, kw] }, bias, flipped);
    recycleArray(wf);
    return y;
  }
  const rows = Cout * kh * kw;
  const L = Sh * Sw;
  const plane = outH * outW;
  const mPad = roundUp(rows, MR);
  const nPad = roundUp(L, NR);
  // kernel memory (floats, from the scratch base): A = Wᵀ | per-range B and column slots | the
  // batch's inputs | outputs (the last two only when they do not already live in the kernel memory)
  const out = takeF32(B * Cout * plane, false); // every element is written
  const px = rt.addressOf(x.data, x.offset);
  const pOut = rt.addressOf(out, 0);
  const bSlot = roundUp(Cin * nPad, 16);
  const cSlot = roundUp(mPad * nPad, 16);
  const aAt = 0;
  const bAt = roundUp(mPad * Cin, 16);
  const cAt = bAt + B * bSlot;
  const xAt = cAt + B * cSlot;
  const outAt = roundUp(xAt + (px === null ? B * Cin * L : 0), 16);
  const scratch = rt.reserve((outAt + (pOut === null ? B * Cout * plane : 0)) * 4);
  if (!scratch) {
    recycleArray(out);
    return null;
  }
  const { mem, base } = scratch;
  // A = Wᵀ: element (r, cin) = w[cin, r]
  const rowOffsets = new Int32Array(rows).map((_, r) => w.offset + r);
  packA(mem, base + aAt, w.data, { rowOffsets, colStride: rows }, Cin, mPad, MR, KC);
  if (px === null) mem.set(x.data.subarray(x.offset, x.offset + B * Cin * L), base + xAt);
  const at = (i: number) => (base + i) * 4;
  const args = [at(aAt), px ?? at(xAt), at(bAt), bSlot * 4, at(cAt), cSlot * 4, pOut ?? at(outAt), mPad, nPad, KC, MC_PANELS, Cin, Cout,
    outH, outW, kh, kw, a.stride[0]!, a.stride[1]!, a.padding[0]!, a.padding[1]!, a.dilation[0]!, a.dilation[1]!, Sh, Sw];
  runKernel(rt, 'convTranspose', args, B, 2 * B * mPad * nPad * Cin);
  if (pOut === null) out.set(mem.subarray(base + outAt, base + outAt + B * Cout * plane));
  if (bias) {
    for (let b = 0; b < B; b++) {
      for (let co = 0; co < Cout; co++) {
        const bv = bias.data[bias.offset + co]!;
        for (let q = (b * Cout + co) * plane, e = q + plane; q < e; q++) out[q] = out[q]! + bv;
      }
    }
  }
  return { data: out, shape: [B, Cout, outH, outW] };
}

/**
 * The attributes of the plain convolution that computes the transposed convolution of x [B, Cin,
 * Sh, Sw] by w [Cin, Cout, kh, kw] (with the weights flipped, see `flipWeights`), or null when
 * {@link convTranspose2d} keeps its col2im route: because there is no such convolution, or because
 * that route's extra pass is the smaller one.
 *
 * Why it is a convolution: with stride 1, output pixel o of the transposed convolution gathers
 * x[o + padding − k·dilation] over the taps k, i.e. x convolved with the spatially flipped kernel
 * and padded by `dilation·(k − 1) − padding`, which must be ≥ 0. Output padding would need
 * one-sided padding and stride > 1 zeros between input pixels, which conv2d has neither of.
 */
export function transposeAsConv(xShape: readonly number[], wShape: readonly number[], a: ConvAttrs & { outputPadding: number[] }): ConvAttrs | null {
  const [, Cin, Sh, Sw] = xShape as [number, number, number, number];
  const [, Cout, kh, kw] = wShape as [number, number, number, number];
  const k = [kh, kw];
  const padding = [0, 1].map((d) => a.dilation[d]! * (k[d]! - 1) - a.padding[d]!);
  if (![0, 1].every((d) => a.stride[d] === 1 && a.outputPadding[d] === 0 && padding[d]! >= 0)) return null;
  const outH = Sh - 2 * a.padding[0]! + a.dilation[0]! * (kh - 1);
  const outW = Sw - 2 * a.padding[1]! + a.dilation[1]! * (kw - 1);
  // im2col (Cin·kh·kw·outH·outW elements) against col2im (Cout·kh·kw·Sh·Sw): the smaller wins
  if (Cin * outH * outW > Cout * Sh * Sw) return null;
  return { stride: [1, 1], padding, dilation: [a.dilation[0]!, a.dilation[1]!], groups: 1 };
}

/**
 * w [Cin, Cout, kh, kw] → w' [Cout, Cin, kh, kw] with w'[co, ci, i, j] = w[ci, co, kh−1−i, kw−1−j]:
 * the weights of the transposed convolution as those of the equivalent plain one. Small (one
 * weight tensor), so a plain loop.
 */
function flipWeights(w: Dense): Float32Array {
  const [Cin, Cout, kh, kw] = w.shape as [number, number, number, number];
  const khw = kh * kw;
  const out = takeF32(Cin * Cout * khw, false); // every element is written
  for (let co = 0; co < Cout; co++) {
    for (let ci = 0; ci < Cin; ci++) {
      // the taps of one (ci, co) filter, read in reverse: flipping both axes reverses the kh·kw run
      const src = w.offset + (ci * Cout + co) * khw + khw - 1;
      const dst = (co * Cin + ci) * khw;
      for (let t = 0; t < khw; t++) out[dst + t] = w.data[src - t]!;
    }
  }
  return out;
}
