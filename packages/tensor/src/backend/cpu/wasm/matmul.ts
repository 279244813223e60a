/**
 * The fast float32 matmul: [...B, M, K] @ [...B, K, N] through the WebAssembly SIMD GEMM.
 *
 * Batch handling avoids redundant packing: when B is the same matrix for every batch (a linear
 * layer applied to a batch, `x @ W`), the batch folds into M and one GEMM runs on all rows; when A
 * is shared (conv weights applied to every image's columns), A is packed once and only B per batch.
 * Work is split over (batch, row panel) units across the thread pool once a product is worth
 * ~0.1 ms (PARALLEL_FLOPS); smaller ones stay on the calling thread, where a wake-up would cost more than it saves.
 * @packageDocumentation
 */
import { numelOf, type View } from '../../../shape.js';
import { getNumThreads } from '../../../threads/num-threads.js';
import { offsets } from '../strided.js';
import { packA, packB } from './pack.js';
import { MR, NR, wasmRuntime, type PooledKernel, type WasmRuntime } from './runtime.js';
import { recycleArray, takeF32 } from '../array-pool.js';

/** K-block depth: a packed B panel (KC·NR floats = 8 KiB) stays in L1 across an M block. */
export const KC = 256;
/** Row panels per M block: MC_PANELS·MR·KC floats of A (128 KiB) stay in L2. */
export const MC_PANELS = 32;
/** Products below this many flops stay on the calling thread (~0.1 ms at ~50 GFLOP/s; a spinning helper wakes in a few µs). */
export const PARALLEL_FLOPS = 5e6;

/** `x` rounded up to a multiple of `m`. */
export const roundUp = (x: number, m: number) => Math.ceil(x / m) * m;

/**
 * Runs `kernel(...args, u0, u1)` over `units` independent work units: on the thread pool once the
 * job is worth `flops` ≥ PARALLEL_FLOPS, else on the calling thread. Returns the first unit of each
 * range handed out (kernels with per-thread partial results keep them at their range's first unit).
 */
export function runKernel(rt: WasmRuntime, kernel: PooledKernel, args: readonly number[], units: number, flops: number): number[] {
  const run = (u0: number, u1: number) => rt.exports[kernel](...args, u0, u1);
  if (!rt.pool) {
    run(0, units);
    return [0];
  }
  return rt.pool.run(kernel, args, units, flops >= PARALLEL_FLOPS ? getNumThreads() : 1, run);
}

/**
 * A batch of G GEMMs `rows × K @ K × N` described by how to pack their operands; callers with
 * operands that are not plain strided matrices (im2col columns of a convolution) pack them
 * directly into the panel layout and skip materialising them.
 */
export interface GemmPlan {
  /** Number of GEMMs. */
  G: number;
  rows: number;
  K: number;
  N: number;
  /** Distinct A / B operands: 1 (shared by every GEMM) or G. */
  nA: number;
  nB: number;
  /**
   * Packs A number `i` (rows × K, K-blocks of `KC`, panels of `MR`) into `mem` at float index `at`,
   * padded to `mPad` rows; `scratchAt` is the float index of the plan's {@link GemmPlan.scratch}.
   */
  packA(mem: Float32Array, at: number, i: number, mPad: number, scratchAt: number): void;
  /**
   * Packs B number `i` (K × N, K-blocks of `KC`, panels of `NR`) into `mem` at float index `at`,
   * padded to `nPad` columns; `scratchAt` is the float index of the plan's {@link GemmPlan.scratch}.
   */
  packB(mem: Float32Array, at: number, i: number, nPad: number, scratchAt: number): void;
  /** Floats of scratch memory the packers need past the operands and results (default 0). */
  scratch?: number;
  /**
   * Byte address where the GEMM writes C number g directly, at `g·rows·N` floats (the dense
   * result, in an array living in the kernel memory). Only valid when no padding is needed
   * (rows a multiple of MR, N of NR); then no copy out is needed either.
   */
  outAddress?: number | null;
  /** Add the product to what is at `outAddress` (a bias written there first); needs a direct result. */
  accumulate?: boolean;
}

/**
 * Where the results of a {@link GemmPlan} are: C number g is `rows × nPad` floats at `cAt + g·cSize`,
 * or, when `direct`, already in place at the plan's `outAddress`.
 */
export interface GemmResult { mem: Float32Array; cAt: number; cSize: number; nPad: number; direct: boolean }

/**
 * Packs and runs a {@link GemmPlan} in the kernel memory, split across the thread pool when big
 * enough. The result stays in kernel memory (valid until the next GEMM); null when the WebAssembly
 * path is unavailable or the operands do not fit.
 */
export function runGemm(plan: GemmPlan): GemmResult | null {
  const rt = wasmRuntime();
  if (!rt) return null;
  const { G, rows, K, N, nA, nB } = plan;
  const mPad = roundUp(rows, MR);
  const nPad = roundUp(N, NR);
  const aSize = roundUp(mPad * K, 16);
  const bSize = roundUp(K * nPad, 16);
  const cSize = roundUp(mPad * nPad, 16);
  // float offsets from the scratch base: packed A | packed B | C | the packers' own scratch
  const bOff = nA * aSize;
  const cOff = bOff + nB * bSize;
  const direct = plan.outAddress != null && mPad === rows && nPad === N;
  const scratchOff = roundUp(cOff + (direct ? 0 : G * cSize), 16);
  const scratch = rt.reserve((scratchOff + (plan.scratch ?? 0)) * 4);
  if (!scratch) return null;
  const { mem, base } = scratch;
  const [aAt, bAt, cAt, scratchAt] = [base, base + bOff, base + cOff, base + scratchOff];
  for (let i = 0; i < nA; i++) plan.packA(mem, aAt + i * aSize, i, mPad, scratchAt);
  for (let i = 0; i < nB; i++) plan.packB(mem, bAt + i * bSize, i, nPad, scratchAt);

  const mPanels = mPad / MR;
  const [cAddress, cStride] = direct ? [plan.outAddress!, rows * N * 4] : [cAt * 4, cSize * 4];
  const args = [aAt * 4, bAt * 4, cAddress, nA > 1 ? aSize * 4 : 0, nB > 1 ? bSize * 4 : 0, cStride, mPad, nPad, K, KC, nPad * 4, MC_PANELS, mPanels,
    direct && plan.accumulate ? 1 : 0];
  runKernel(rt, 'gemmBatched', args, G * mPanels, 2 * G * mPad * nPad * K);
  return { mem, cAt, cSize, nPad, direct };
}

/** Storage offsets of each batch's matrix in a [...B, r, c] view. */
function batchOffsets(v: View, nd: number): Int32Array {
  return offsets({ shape: v.shape.slice(0, nd - 2), strides: v.strides.slice(0, nd - 2), offset: v.offset });
}

const allEqual = (xs: Int32Array) => xs.every((x) => x === xs[0]);

/**
 * The storage span [lo, hi) that a K × N view from `base` with strides (sk, sn) touches (strides
 * may be negative or zero).
 */
function span(base: number, sk: number, sn: number, K: number, N: number): [number, number] {
  const [k, n] = [(K - 1) * sk, (N - 1) * sn];
  return [base + Math.min(0, k) + Math.min(0, n), base + Math.max(0, k) + Math.max(0, n) + 1];
}

/**
 * Packs an operand with one of the module's packers: an operand living in the kernel memory is
 * packed where it is; any other has the storage span its view touches copied into kernel memory at
 * `scratchAt` in one `TypedArray.set` (a memcpy) and packed there. Why: the packers' loads and
 * stores run several times faster as WebAssembly (vector copies, 4×4 transposes) than as
 * JavaScript typed-array loops. `pack(src)` gets the byte address of element `base`.
 */
function packInWasm(rt: WasmRuntime, mem: Float32Array, scratchAt: number, src: Float32Array, base: number, s0: number, s1: number, n0: number, n1: number, pack: (src: number) => void): void {
  const resident = rt.addressOf(src, base);
  if (resident !== null) return pack(resident);
  const [lo, hi] = span(base, s0, s1, n0, n1);
  mem.set(src.subarray(lo, hi), scratchAt);
  pack((scratchAt + base - lo) * 4);
}

/**
 * Batched float32 matmul on the WebAssembly GEMM. Operands may have any strides (batch dims
 * already broadcast to `outShape`'s, possibly with stride 0). Returns null when the fast path is
 * unavailable (no SIMD, switched off, or the operands do not fit the 2 GiB kernel memory), in which
 * case the caller runs the reference kernel.
 */
export function wasmMatmulF32(a: Float32Array, av: View, b: Float32Array, bv: View, outShape: readonly number[], bias?: { data: Float32Array; offset: number }): Float32Array | null {
  const rt = wasmRuntime();
  if (!rt) return null;
  const nd = outShape.length;
  const M = outShape[nd - 2]!;
  const N = outShape[nd - 1]!;
  const K = av.shape[nd - 1]!;
  const batch = numelOf(outShape.slice(0, nd - 2));
  // copyOut writes every element when K > 0; a product over K = 0 is all zeros
  const out = takeF32(batch * M * N, K === 0);
  if (out.length === 0 || K === 0) return out;

  const aBatch = batchOffsets(av, nd);
  const bBatch = batchOffsets(bv, nd);
  const [sm, ska] = [av.strides[nd - 2]!, av.strides[nd - 1]!];
  const [skb, sn] = [bv.strides[nd - 2]!, bv.strides[nd - 1]!];
  const aShared = allEqual(aBatch);
  const bShared = allEqual(bBatch);
  // fold the batch into M when B is shared: one GEMM over batch·M rows
  const fold = bShared && batch > 1;
  const G = fold ? 1 : batch;
  const rows = fold ? batch * M : M;
  // B goes through the WebAssembly packer after one span copy: a transposed B (a linear layer's
  // `x @ Wᵀ`) walks each column down k, ~0.8 ns/element against ~2.5 for the JS packer; a
  // row-major B (unit column stride) is copied row by row in vectors, 0.4–0.6 ns/element against
  // ~1 for JS up to ~1 M elements — beyond that the 4 MiB+ span copy eats the gain (1024²: 1.1 ms
  // against 0.9 in JS), so big row-major operands stay in JS. So does a B whose span is much
  // larger than its elements (every other column of a wide buffer), where the copy would dominate.
  const bSpan = (K - 1) * Math.abs(skb) + (N - 1) * Math.abs(sn) + 1; // the same for every batch
  const bInWasm = (Math.abs(skb) <= Math.abs(sn) || (sn === 1 && K * N < 1 << 20)) && bSpan <= 2 * K * N + 64;
  // A in WebAssembly when its rows are evenly spaced (a folded batch too, if its matrices are) and
  // its span is not much larger than its elements
  const aEven = !fold || aBatch.every((o, bi) => o === aBatch[0]! + bi * M * sm);
  const aSpan = (rows - 1) * Math.abs(sm) + (K - 1) * Math.abs(ska) + 1;
  const aInWasm = aEven && aSpan <= 2 * rows * K + 64;
  // a bias (a linear layer's) is written into every output row first and the product added to it
  const outAddress = rt.addressOf(out, 0);
  const biasInPlace = !!bias && outAddress !== null && rows % MR === 0 && N % NR === 0;
  if (biasInPlace) fillRows(out, bias!, N);
  const res = runGemm({
    G, rows, K, N,
    outAddress,
    accumulate: biasInPlace,
    scratch: Math.max(bInWasm ? bSpan : 0, aInWasm ? aSpan : 0),
    nA: fold || aShared ? 1 : batch,
    nB: bShared ? 1 : batch,
    packA: (mem, at, i, mPad, scratchAt) => {
      if (aInWasm) {
        return packInWasm(rt, mem, scratchAt, a, aBatch[fold ? 0 : i]!, sm, ska, rows, K,
          (src) => rt.exports.packA(at * 4, src, rows, K, sm, ska, mPad, KC));
      }
      const rowOffsets = new Int32Array(rows);
      for (let r = 0; r < rows; r++) {
        const bi = fold ? (r / M) | 0 : i;
        rowOffsets[r] = aBatch[bi]! + (r - (fold ? bi * M : 0)) * sm;
      }
      packA(mem, at, a, { rowOffsets, colStride: ska }, K, mPad, MR, KC);
    },
    packB: (mem, at, i, nPad, scratchAt) => bInWasm
      ? packInWasm(rt, mem, scratchAt, b, bBatch[i]!, skb, sn, K, N, (src) => rt.exports.packB(at * 4, src, K, N, skb, sn, nPad, KC))
      : packB(mem, at, b, bBatch[i]!, skb, sn, K, N, nPad, NR, KC),
  });
  if (!res) {
    recycleArray(out);
    return null;
  }
  if (!res.direct) copyOut(res, G, rows, N, out);
  if (bias && !res.direct) addRows(out, bias, N);
  return out;
}

/** Copies the valid rows × N part of each padded C out of the kernel memory into `out`. */
export function copyOut(res: GemmResult, G: number, rows: number, N: number, out: Float32Array): void {
  const { mem, cAt, cSize, nPad } = res;
  for (let g = 0; g < G; g++) {
    const c = cAt + g * cSize;
    if (nPad === N) out.set(mem.subarray(c, c + rows * N), g * rows * N);
    else for (let r = 0; r < rows; r++) out.set(mem.subarray(c + r * nPad, c + r * nPad + N), (g * rows + r) * N);
  }
}

/** Writes `bias` (N floats) into every row of `out`. */
function fillRows(out: Float32Array, bias: { data: Float32Array; offset: number }, N: number): void {
  const row = bias.data.subarray(bias.offset, bias.offset + N);
  for (let o = 0; o < out.length; o += N) out.set(row, o);
}

/** Adds `bias` (N floats) to every row of `out`. */
function addRows(out: Float32Array, bias: { data: Float32Array; offset: number }, N: number): void {
  const d = bias.data, b0 = bias.offset;
  for (let o = 0; o < out.length; o += N) for (let j = 0; j < N; j++) out[o + j] = out[o + j]! + d[b0 + j]!;
}
