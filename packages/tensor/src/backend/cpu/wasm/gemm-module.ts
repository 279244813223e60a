/**
 * Generates the WebAssembly SIMD GEMM module: C = A·B on packed float32 panels.
 *
 * Layout (all offsets in bytes, everything in one imported memory):
 * - A is packed as K-blocks of `kc` columns; inside a block, panels of MR rows, each panel stored
 *   k-major (`MR` consecutive floats per k), so the micro-kernel reads A with one splat per row.
 * - B is packed the same way with panels of NR columns (`NR` consecutive floats per k), so one
 *   k step of a panel is NR/4 aligned `v128.load`s.
 * - C is row-major with a row pitch of `ldc` bytes and padded to whole panels; the caller copies
 *   the valid part out.
 *
 * The micro-kernel keeps an MR×NR tile of C in MR·NR/4 f32x4 locals (V8 maps them onto the 16
 * xmm registers), so each k step costs NR/4 loads of B, MR splat-loads of A and MR·NR/4 multiply-
 * adds. K-blocks of `kc` keep a B panel (kc·NR·4 bytes) in L1 and `mc` panels of A in L2 while it
 * is reused; the first block stores the tile, later blocks add into it.
 * @packageDocumentation
 */
import { buildModule, FunctionBuilder, ValType } from './emit.js';
import { MAP_KERNELS, mapKernel, type MapOp } from './map-module.js';
import { extremumRunsKernel, sumRunsKernel } from './reduce-module.js';
import { packAStrided } from './pack-module.js';
import { softmaxFinishKernel, softmaxRowsKernel } from './softmax-module.js';
import { maxPool2dBackwardKernel, maxPool2dKernel, maxPool2x2Kernel } from './max-pool-module.js';
import { blockDepth, col2im, convForward, convTranspose, convWeightGrad, im2colA, im2colB, packBStrided } from './conv-module.js';

/** Shape of the register tile and which instructions the module may use. */
export interface GemmConfig {
  /** Rows of the register tile (A panel height). */
  mr: number;
  /** Columns of the register tile (B panel width), a multiple of 4. */
  nr: number;
  /** Use `f32x4.relaxed_madd` (relaxed SIMD) instead of a multiply and an add. */
  relaxed: boolean;
  /** Import a shared memory (needed to run the module on several threads). */
  shared: boolean;
  /** Memory limits in 64 KiB pages. */
  minPages: number;
  maxPages: number;
}

/** Function indices inside the module (calls use them; exports use the names). */
const MICRO = 0;
const GEMM = 1;
const IM2COL_B = 3;
const IM2COL_A = 5;
const PACK_B = 6;
const COL2IM = 8;

/**
 * micro(ap, bp, cp, kc, ldc, accumulate): one MR×NR tile of C over kc steps of packed A and B.
 */
function microKernel(cfg: GemmConfig): FunctionBuilder {
  const { mr, nr } = cfg;
  const nv = nr / 4;
  const I = ValType.i32;
  const f = new FunctionBuilder([I, I, I, I, I, I]);
  const [ap, bp, cp, kc, ldc, accumulate] = [0, 1, 2, 3, 4, 5];
  const acc = Array.from({ length: mr }, () => Array.from({ length: nv }, () => f.local(ValType.v128)));
  const b = Array.from({ length: nv }, () => f.local(ValType.v128));
  const a = f.local(ValType.v128);
  const row = f.local(I);

  for (const r of acc) for (const c of r) f.v128Zero().set(c);
  // one k step, `s` steps ahead of ap/bp (the offset goes into the load immediates)
  const step = (s: number) => {
    for (let v = 0; v < nv; v++) f.get(bp).v128Load(4 * nr * s + 16 * v).set(b[v]!);
    for (let r = 0; r < mr; r++) {
      f.get(ap).load32Splat(4 * mr * s + 4 * r).set(a);
      for (let v = 0; v < nv; v++) {
        const c = acc[r]![v]!;
        if (cfg.relaxed) f.get(a).get(b[v]!).get(c).f32x4RelaxedMadd().set(c);
        else f.get(c).get(a).get(b[v]!).f32x4Mul().f32x4Add().set(c);
      }
    }
  };
  // do { step } while (--kc): callers never pass kc = 0. (Unrolling by 2 or 4 measured no faster.)
  f.loop();
  step(0);
  f.get(ap).i32(4 * mr).add().set(ap);
  f.get(bp).i32(4 * nr).add().set(bp);
  f.get(kc).i32(1).sub().tee(kc).brIf(0);
  f.end();

  // write the tile back: C = acc on the first K-block, C += acc on later ones
  f.get(cp).set(row);
  for (let r = 0; r < mr; r++) {
    for (let v = 0; v < nv; v++) {
      const c = acc[r]![v]!;
      f.get(row);
      f.get(c).get(row).v128Load(16 * v).f32x4Add();
      f.get(c);
      f.get(accumulate).select();
      f.v128Store(16 * v);
    }
    if (r < mr - 1) f.get(row).get(ldc).add().set(row);
  }
  return f;
}

/**
 * gemm(a, b, c, mPad, nPad, K, kc, ldc, mcPanels, m0, m1, accumulate): C rows of A panels [m0, m1)
 * × every B panel, K-blocked by kc and M-blocked by mcPanels panels. C = A·B, or C += A·B when
 * `accumulate` is non-zero (the convolution weight gradient sums one product per image).
 */
function gemmDriver(cfg: GemmConfig): FunctionBuilder {
  const { mr, nr } = cfg;
  const I = ValType.i32;
  const f = new FunctionBuilder(Array<ValType>(12).fill(I));
  const [aPtr, bPtr, cPtr, mPad, nPad, K, kc, ldc, mcPanels, m0, m1, accumulate] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const [p, kcp, aBlk, bBlk, ib, ie, j, bp, i, nPanels] = Array.from({ length: 10 }, () => f.local(I)) as [
    number, number, number, number, number, number, number, number, number, number,
  ];
  f.get(nPad).i32(nr).divU().set(nPanels);

  f.for(p, () => f.i32(0), () => f.get(K), 0, () => {
    blockDepth(f, kc, K, p, kcp);
    f.get(aPtr).get(p).get(mPad).mul().i32(2).shl().add().set(aBlk);
    f.get(bPtr).get(p).get(nPad).mul().i32(2).shl().add().set(bBlk);
    f.for(ib, () => f.get(m0), () => f.get(m1), 0, () => {
      // ie = min(ib + mcPanels, m1)
      f.get(ib).get(mcPanels).add().get(m1).get(ib).get(mcPanels).add().get(m1).ltS().select().set(ie);
      f.for(j, () => f.i32(0), () => f.get(nPanels), 1, () => {
        f.get(bBlk).get(j).get(kcp).mul().i32(4 * nr).mul().add().set(bp);
        f.for(i, () => f.get(ib), () => f.get(ie), 1, () => {
          f.get(aBlk).get(i).get(kcp).mul().i32(4 * mr).mul().add(); // ap
          f.get(bp);
          f.get(cPtr).get(i).i32(mr).mul().get(ldc).mul().add().get(j).i32(4 * nr).mul().add(); // cp
          f.get(kcp).get(ldc).get(p).get(accumulate).or(); // later K-blocks always add
          f.call(MICRO);
        });
      });
      f.get(ie).set(ib);
    });
    f.get(p).get(kc).add().set(p);
  });
  return f;
}

/**
 * gemmBatched(a, b, c, aStride, bStride, cStride, mPad, nPad, K, kc, ldc, mcPanels, mPanels,
 * accumulate, u0, u1): work units u ∈ [u0, u1) are (batch, A panel) pairs, u = batch·mPanels +
 * panel, so the thread pool can split any batched GEMM into equal contiguous ranges. A stride of 0
 * shares an operand. `accumulate` ≠ 0 adds the product to C (a bias already written there).
 */
function gemmBatched(): FunctionBuilder {
  const I = ValType.i32;
  const f = new FunctionBuilder(Array<ValType>(16).fill(I));
  const [a, b, c, aStride, bStride, cStride, mPad, nPad, K, kc, ldc, mcPanels, mPanels, accumulate, u0, u1] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
  const u = f.local(I);
  const bi = f.local(I);
  const p0 = f.local(I);
  const p1 = f.local(I);
  f.for(u, () => f.get(u0), () => f.get(u1), 0, () => {
    f.get(u).get(mPanels).divU().set(bi);
    f.get(u).get(bi).get(mPanels).mul().sub().set(p0);
    // p1 = min(mPanels, p0 + (u1 - u))
    f.get(p0).get(u1).add().get(u).sub().set(p1);
    f.get(mPanels).get(p1).get(p1).get(mPanels).gtS().select().set(p1);
    f.get(a).get(bi).get(aStride).mul().add();
    f.get(b).get(bi).get(bStride).mul().add();
    f.get(c).get(bi).get(cStride).mul().add();
    f.get(mPad).get(nPad).get(K).get(kc).get(ldc).get(mcPanels).get(p0).get(p1).get(accumulate);
    f.call(GEMM);
    f.get(u).get(p1).add().get(p0).sub().set(u);
  });
  return f;
}

/**
 * The kernel module's bytes for `cfg`: exports `micro`, `gemm`, `gemmBatched`, the convolution
 * kernels of conv-module.ts, the max-pool kernels of max-pool-module.ts, `sumRuns` of
 * reduce-module.ts and the elementwise
 * `map_<op>` kernels of map-module.ts.
 */
export function buildGemmModule(cfg: GemmConfig): Uint8Array<ArrayBuffer> {
  // the order fixes the function indices (MICRO, GEMM, IM2COL_B, IM2COL_A, PACK_B, COL2IM) used by calls
  return buildModule({ minPages: cfg.minPages, maxPages: cfg.maxPages, shared: cfg.shared }, [
    { name: 'micro', fn: microKernel(cfg) },
    { name: 'gemm', fn: gemmDriver(cfg) },
    { name: 'gemmBatched', fn: gemmBatched() },
    { name: 'im2colB', fn: im2colB(cfg.nr) },
    { name: 'convForward', fn: convForward(cfg.mr, GEMM, IM2COL_B) },
    { name: 'im2colA', fn: im2colA(cfg.mr) },
    { name: 'packB', fn: packBStrided(cfg.nr) },
    { name: 'convWeightGrad', fn: convWeightGrad(cfg.mr, GEMM, IM2COL_A, PACK_B) },
    { name: 'col2im', fn: col2im() },
    { name: 'convTranspose', fn: convTranspose(cfg.mr, GEMM, PACK_B, COL2IM) },
    { name: 'maxPool2d', fn: maxPool2dKernel() },
    { name: 'maxPool2dBackward', fn: maxPool2dBackwardKernel() },
    { name: 'maxPool2x2', fn: maxPool2x2Kernel() },
    { name: 'sumRuns', fn: sumRunsKernel() },
    { name: 'maxRuns', fn: extremumRunsKernel(false) },
    { name: 'minRuns', fn: extremumRunsKernel(true) },
    { name: 'packA', fn: packAStrided() },
    { name: 'softmaxRows', fn: softmaxRowsKernel() },
    { name: 'softmaxFinish', fn: softmaxFinishKernel() },
    ...(Object.keys(MAP_KERNELS) as MapOp[]).map((op) => ({ name: `map_${op}`, fn: mapKernel(MAP_KERNELS[op]) })),
  ]);
}
