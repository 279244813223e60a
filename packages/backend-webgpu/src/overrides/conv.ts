/**
 * Fused WebGPU kernels for functional's 2-D convolution ops: `conv2d` (forward, bias fused),
 * `conv2dWeightGrad` (the weight gradient) and `convTranspose2d` (the input gradient, and the
 * transposed convolution itself), all as implicit GEMM (kernels/conv.ts). They apply to float32,
 * 4-D operands with groups = 1; anything else — and empty tensors — runs the op's registered
 * decomposition, so the overrides change speed only, never what the ops accept or the errors.
 * Operands are read through their strides, so views are used without a contiguous copy.
 * @packageDocumentation
 */
import { Tensor, getOpDef, numelOf, type CompositeKernel, type View } from '@kiln/tensor';
import type { GpuHandle } from '../backend.js';
import type { GpuKernelContext } from './context.js';
import { CONV_TN, SPLIT_SUM_CODE, convGemmCode, convTileRows, convWeightGradCode, type ConvLayout } from '../kernels/conv.js';

/** Convolution attributes as functional's conv ops carry them. */
interface ConvAttrs {
  stride: number[];
  padding: number[];
  dilation: number[];
  groups: number;
  outputPadding?: number[];
  weightShape?: number[];
}

const bufOf = (t: Tensor): GPUBuffer => (t.operand().handle as GpuHandle).buffer;
const viewOf = (t: Tensor): View => t.operand().view;
/** Offset then the four strides of a 4-D view, as the kernels' metadata wants them. */
const strided4 = (v: View): number[] => [v.offset, v.strides[0]!, v.strides[1]!, v.strides[2]!, v.strides[3]!];

/** Runs the op's own decomposition (the override's answer whenever the fast path does not apply). */
function decomposition(op: string, inputs: readonly Tensor[], attrs: Readonly<Record<string, unknown>>): Tensor[] {
  return getOpDef(op)!.impl(inputs, attrs);
}

/** True when every given tensor is float32 and 4-D, and the convolution is not grouped. */
function applies(a: ConvAttrs, ...ts: (Tensor | undefined)[]): boolean {
  return a.groups === 1 && ts.every((t) => !t || (t.dtype === 'float32' && t.ndim === 4));
}

/**
 * The kernels' thread layout: 64 threads with 8×8 outputs each (64×64 tiles) — on SwiftShader
 * 8×8 blocks ran 1.5–2.5× faster than 4×4 ones (fewer workgroup-memory reads per FMA), and
 * 32-deep K slices were no faster than 16 — or 4×8 outputs (32×64 tiles) for ≤ 32 output
 * channels (MNIST's conv1), where a 64-row tile would be half empty.
 */
function layoutFor(M: number): ConvLayout {
  return M <= 32 ? { wx: 8, wy: 8, rm: 4, rn: 8, kt: 16 } : { wx: 8, wy: 8, rm: 8, rn: 8, kt: 16 };
}

/**
 * The per-tap table the kernels read instead of dividing: for k = (ci, ky, kx) row-major,
 * `ci·xsC`, `ky·dh`, `kx·dw` and, when `w` is given, the weight offset `ci·w[0] + ky·w[1] + kx·w[2]`.
 */
function tapTable(Cin: number, kh: number, kw: number, xsC: number, a: ConvAttrs, w?: readonly number[]): number[] {
  const t: number[] = [];
  for (let ci = 0; ci < Cin; ci++) {
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        t.push(ci * xsC, ky * a.dilation[0]!, kx * a.dilation[1]!);
        if (w) t.push(ci * w[0]! + ky * w[1]! + kx * w[2]!);
      }
    }
  }
  return t;
}

/** The conv overrides of the WebGPU backend. */
export function convOverrides(ctx: GpuKernelContext): Record<string, CompositeKernel> {
  const { rt } = ctx;

  /**
   * Forward or transposed convolution as one implicit-GEMM dispatch: out [N, M, OH, OW] from
   * x [N, Cin, H, W] and the weight read through `wStrides` (along m, ci, ky, kx).
   */
  function gemm(transposed: boolean, x: Tensor, w: Tensor, bias: Tensor | undefined, M: number, kh: number, kw: number,
    OH: number, OW: number, wStrides: number[], a: ConvAttrs): Tensor {
    const [N, Cin, H, W] = x.shape as [number, number, number, number];
    const cols = N * OH * OW;
    const out = ctx.alloc('float32', N * M * OH * OW);
    const lay = layoutFor(M);
    const xv = viewOf(x);
    const bv = bias ? viewOf(bias) : null;
    const meta = [
      M, cols, Cin * kh * kw, OH, OW, H, W, a.stride[0]!, a.stride[1]!, a.padding[0]!, a.padding[1]!,
      xv.offset, xv.strides[0]!, xv.strides[2]!, xv.strides[3]!, viewOf(w).offset, wStrides[0]!,
      bv ? 1 : 0, bv?.offset ?? 0, bv?.strides[0] ?? 0,
      ...tapTable(Cin, kh, kw, xv.strides[1]!, a, wStrides.slice(1)),
    ];
    const tilesN = Math.ceil(cols / CONV_TN);
    const gx = Math.min(tilesN, rt.maxWorkgroups);
    // without a bias any bound buffer will do: the kernel does not read it
    const biasBuf = bias ? bufOf(bias) : rt.emptyBuffer;
    rt.dispatch(convGemmCode(transposed, lay), [rt.meta(meta), bufOf(x), bufOf(w), biasBuf, out.buffer],
      [gx, Math.ceil(M / convTileRows(lay)), Math.ceil(tilesN / gx)]);
    return Tensor.fromHandle(out, 'float32', [N, M, OH, OW], x.device);
  }

  /** dW [M, Ci, kh, kw] = Σ over N·OH·OW of g [N, M, OH, OW] × the input patches of x [N, Ci, H, W]. */
  function weightGrad(x: Tensor, g: Tensor, weightShape: number[], a: ConvAttrs): Tensor {
    const [M, Ci, kh, kw] = weightShape as [number, number, number, number];
    const [N, , H, W] = x.shape as [number, number, number, number];
    const [, , OH, OW] = g.shape as [number, number, number, number];
    const K = Ci * kh * kw;
    const R = N * OH * OW;
    const lay = layoutFor(M);
    const tiles = Math.ceil(M / convTileRows(lay)) * Math.ceil(K / CONV_TN);
    // split the long contraction until there are ~128 workgroups, each summing ≥ 256 terms
    const maxSplits = Math.max(1, Math.ceil(R / 256));
    let splits = Math.min(maxSplits, Math.max(1, Math.ceil(128 / tiles)), rt.maxWorkgroups);
    const chunk = Math.ceil(Math.ceil(R / splits) / lay.kt) * lay.kt;
    splits = Math.ceil(R / chunk);
    const out = ctx.alloc('float32', M * K);
    const partial = splits > 1 ? rt.pool.acquire(splits * M * K * 4) : out.buffer;
    const xv = viewOf(x), gv = viewOf(g);
    const meta = [
      M, K, R, OH, OW, H, W, a.stride[0]!, a.stride[1]!, a.padding[0]!, a.padding[1]!,
      xv.offset, xv.strides[0]!, xv.strides[2]!, xv.strides[3]!, ...strided4(gv), chunk, M * K,
      ...tapTable(Ci, kh, kw, xv.strides[1]!, a),
    ];
    rt.dispatch(convWeightGradCode(lay), [rt.meta(meta), bufOf(x), bufOf(g), partial],
      [Math.ceil(K / CONV_TN), Math.ceil(M / convTileRows(lay)), splits]);
    if (splits > 1) {
      rt.dispatch(SPLIT_SUM_CODE, [rt.meta([M * K, splits]), partial, out.buffer], rt.grid(M * K));
      rt.pool.release(partial); // reused only after the submit that runs both dispatches
    }
    return Tensor.fromHandle(out, 'float32', weightShape, x.device);
  }

  /** Whether a dispatch over `cols` output columns and `rows` rows fits the per-dimension limits. */
  const fits = (rows: number, cols: number): boolean => Math.ceil(rows / 32) <= rt.maxWorkgroups && Math.ceil(cols / 64) <= rt.maxWorkgroups ** 2;

  return {
    conv2d: (inputs, attrs) => {
      const [x, w, b] = inputs as Tensor[];
      const a = attrs as unknown as ConvAttrs;
      if (!applies(a, x, w) || (b && (b.dtype !== 'float32' || b.ndim !== 1))) return decomposition('conv2d', inputs as Tensor[], attrs);
      const [N, Cin, H, W] = x!.shape as [number, number, number, number];
      const [M, , kh, kw] = w!.shape as [number, number, number, number];
      const OH = Math.floor((H + 2 * a.padding[0]! - a.dilation[0]! * (kh - 1) - 1) / a.stride[0]!) + 1;
      const OW = Math.floor((W + 2 * a.padding[1]! - a.dilation[1]! * (kw - 1) - 1) / a.stride[1]!) + 1;
      if (w!.shape[1] !== Cin || N * M * Cin * kh * kw === 0 || OH < 1 || OW < 1 || !fits(M, N * OH * OW)) {
        return decomposition('conv2d', inputs as Tensor[], attrs);
      }
      const ws = viewOf(w!).strides;
      return gemm(false, x!, w!, b, M, kh, kw, OH, OW, [ws[0]!, ws[1]!, ws[2]!, ws[3]!], a);
    },
    convTranspose2d: (inputs, attrs) => {
      const [x, w, b] = inputs as Tensor[];
      const a = attrs as unknown as ConvAttrs;
      if (!applies(a, x, w) || (b && (b.dtype !== 'float32' || b.ndim !== 1))) return decomposition('convTranspose2d', inputs as Tensor[], attrs);
      const [N, Cin, H, W] = x!.shape as [number, number, number, number];
      const [, M, kh, kw] = w!.shape as [number, number, number, number];
      const op = a.outputPadding ?? [0, 0];
      const OH = (H - 1) * a.stride[0]! - 2 * a.padding[0]! + a.dilation[0]! * (kh - 1) + op[0]! + 1;
      const OW = (W - 1) * a.stride[1]! - 2 * a.padding[1]! + a.dilation[1]! * (kw - 1) + op[1]! + 1;
      if (w!.shape[0] !== Cin || N * M * Cin * kh * kw === 0 || OH < 1 || OW < 1 || !fits(M, N * OH * OW)) {
        return decomposition('convTranspose2d', inputs as Tensor[], attrs);
      }
      // the GEMM's rows are output channels: weight dim 1; its taps run over (ci = dim 0, ky, kx)
      const ws = viewOf(w!).strides;
      return gemm(true, x!, w!, b, M, kh, kw, OH, OW, [ws[1]!, ws[0]!, ws[2]!, ws[3]!], a);
    },
    conv2dWeightGrad: (inputs, attrs) => {
      const [x, g] = inputs as Tensor[];
      const a = attrs as unknown as ConvAttrs;
      const ws = a.weightShape;
      if (!applies(a, x, g) || !ws || ws.length !== 4 || ws[0] !== g!.shape[1] || ws[1] !== x!.shape[1] || numelOf(ws) === 0 ||
        numelOf(g!.shape) === 0 || Math.ceil(ws[0]! / 32) > rt.maxWorkgroups || Math.ceil((ws[1]! * ws[2]! * ws[3]!) / 64) > rt.maxWorkgroups) {
        return decomposition('conv2dWeightGrad', inputs as Tensor[], attrs);
      }
      return weightGrad(x!, g!, ws, a);
    },
  };
}
