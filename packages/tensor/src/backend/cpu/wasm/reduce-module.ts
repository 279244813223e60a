/**
 * Reduction kernels of the generated WebAssembly module over consecutive runs of a dense float32
 * array: sums accumulated in double precision like the reference reduction (so a float32 result is
 * the same up to the order of additions), two f64x2 accumulators per run; maxima and minima with
 * f32x4.max/min (NaN-propagating like the reference; a run holding both zeros gives +0 for max and
 * -0 for min, where the reference keeps whichever zero came first).
 * @packageDocumentation
 */
import { FunctionBuilder, ValType } from './emit.js';

/** The high two floats of a vector moved to the low lanes (bytes 8–15 twice). */
const HIGH_PAIR = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];

/** Emits lo += f64(v[0..1]), hi += f64(v[2..3]) for the f32x4 local `v` (double-precision accumulators). */
export function accumulateF64(f: FunctionBuilder, lo: number, hi: number, v: number): void {
  f.get(lo).get(v).f64x2PromoteLowF32x4().f64x2Add().set(lo);
  f.get(hi).get(v).get(v).i8x16Shuffle(HIGH_PAIR).f64x2PromoteLowF32x4().f64x2Add().set(hi);
}

/** Emits s = the sum of the four f64 lanes of the accumulators `lo` and `hi` (`lo` is clobbered). */
export function totalF64(f: FunctionBuilder, lo: number, hi: number, s: number): void {
  f.get(lo).get(hi).f64x2Add().set(lo);
  f.get(lo).f64x2ExtractLane(0).get(lo).f64x2ExtractLane(1).f64Add().set(s);
}

/**
 * sumRuns(src, dst, runLen, u0, u1): for runs r ∈ [u0, u1), dst[r] (f64) = Σ src[r·runLen … +runLen)
 * (f32). Byte pointers; runs need no alignment.
 */
export function sumRunsKernel(): FunctionBuilder {
  const I = ValType.i32;
  const f = new FunctionBuilder([I, I, I, I, I]);
  const [src, dst, runLen, u0, u1] = [0, 1, 2, 3, 4];
  const [r, p, end, vend] = Array.from({ length: 4 }, () => f.local(I)) as [number, number, number, number];
  const [lo, hi, v] = Array.from({ length: 3 }, () => f.local(ValType.v128)) as [number, number, number];
  const s = f.local(ValType.f64);
  f.for(r, () => f.get(u0), () => f.get(u1), 1, () => {
    f.get(src).get(r).get(runLen).mul().i32(2).shl().add().set(p);
    f.get(p).get(runLen).i32(2).shl().add().set(end);
    f.get(p).get(runLen).i32(-4).and().i32(2).shl().add().set(vend);
    f.v128Zero().set(lo);
    f.v128Zero().set(hi);
    f.block().loop();
    f.get(p).get(vend).geS().brIf(1);
    f.get(p).v128Load().set(v);
    accumulateF64(f, lo, hi, v);
    f.get(p).i32(16).add().set(p);
    f.br(0).end().end();
    totalF64(f, lo, hi, s);
    f.block().loop();
    f.get(p).get(end).geS().brIf(1);
    f.get(s).get(p).f32Load().f64PromoteF32().f64Add().set(s);
    f.get(p).i32(4).add().set(p);
    f.br(0).end().end();
    f.get(dst).get(r).i32(3).shl().add().get(s).f64Store();
  });
  return f;
}

/**
 * maxRuns / minRuns(src, dst, runLen, u0, u1): for runs r ∈ [u0, u1), dst[r] (f32) = the max (min)
 * of src[r·runLen … +runLen) (f32). Byte pointers; runs need no alignment.
 */
export function extremumRunsKernel(isMin: boolean): FunctionBuilder {
  const I = ValType.i32;
  const f = new FunctionBuilder([I, I, I, I, I]);
  const [src, dst, runLen, u0, u1] = [0, 1, 2, 3, 4];
  const [r, p, end, vend] = Array.from({ length: 4 }, () => f.local(I)) as [number, number, number, number];
  const acc = f.local(ValType.v128);
  const m = f.local(ValType.f32);
  const vop = () => (isMin ? f.f32x4Min() : f.f32x4Max());
  const sop = () => (isMin ? f.f32Min() : f.f32Max());
  f.for(r, () => f.get(u0), () => f.get(u1), 1, () => {
    f.get(src).get(r).get(runLen).mul().i32(2).shl().add().set(p);
    f.get(p).get(runLen).i32(2).shl().add().set(end);
    f.get(p).get(runLen).i32(-4).and().i32(2).shl().add().set(vend);
    f.f32(isMin ? Infinity : -Infinity).f32x4Splat().set(acc);
    f.for(p, () => f.get(p), () => f.get(vend), 16, () => { f.get(acc).get(p).v128Load(); vop(); f.set(acc); });
    f.get(acc).f32x4ExtractLane(0).get(acc).f32x4ExtractLane(1); sop();
    f.get(acc).f32x4ExtractLane(2); sop();
    f.get(acc).f32x4ExtractLane(3); sop();
    f.set(m);
    f.for(p, () => f.get(p), () => f.get(end), 4, () => { f.get(m).get(p).f32Load(); sop(); f.set(m); });
    f.get(dst).get(r).i32(2).shl().add().get(m).f32Store();
  });
  return f;
}
