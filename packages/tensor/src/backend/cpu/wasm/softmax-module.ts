/**
 * Row softmax / logSoftmax kernels of the generated WebAssembly module, for a contiguous last dim:
 * `softmaxRows` finds each row's max, maps exp(x − max) (exp-simd.ts) and sums it in double
 * precision; `softmaxFinish` then divides by the sum, or, for logSoftmax, subtracts the per-row
 * constant max + log(sum) that the caller computed from the statistics (WebAssembly has no log).
 * A row whose max is not finite (NaN, ±Inf) gets NaN statistics, so it comes out NaN, as in the
 * reference kernel.
 * @packageDocumentation
 */
import { FunctionBuilder, ValType } from './emit.js';
import { emitExpF32x4 } from './exp-simd.js';
import { accumulateF64, totalF64 } from './reduce-module.js';

/**
 * softmaxRows(src, dst, stats, len, writeExp, u0, u1): for rows r ∈ [u0, u1) of `len` floats,
 * stats[r] = (max, Σ exp(x − max)) as two f64; with `writeExp` ≠ 0 also dst row = exp(x − max).
 */
export function softmaxRowsKernel(): FunctionBuilder {
  const I = ValType.i32;
  const V = ValType.v128;
  const f = new FunctionBuilder(Array<ValType>(7).fill(I));
  const [src, dst, stats, len, writeExp, u0, u1] = [0, 1, 2, 3, 4, 5, 6];
  const [r, p, q, vend, end] = Array.from({ length: 5 }, () => f.local(I)) as [number, number, number, number, number];
  const [mv, e, lo, hi] = Array.from({ length: 4 }, () => f.local(V)) as [number, number, number, number];
  const m = f.local(ValType.f32);
  const s = f.local(ValType.f64);
  // one exp code path for whole vectors and for the tail (a splatted scalar, lane 0 used)
  const expOfMinusMax = () => { f.get(mv).f32x4Sub(); emitExpF32x4(f); };
  f.for(r, () => f.get(u0), () => f.get(u1), 1, () => {
    f.get(src).get(r).get(len).mul().i32(2).shl().add().set(p);
    f.get(p).get(len).i32(2).shl().add().set(end);
    f.get(p).get(len).i32(-4).and().i32(2).shl().add().set(vend);
    // max: vector lanes, then across lanes, then the tail
    f.f32(-Infinity).f32x4Splat().set(mv);
    f.for(q, () => f.get(p), () => f.get(vend), 16, () => { f.get(mv).get(q).v128Load().f32x4Max().set(mv); });
    f.get(mv).f32x4ExtractLane(0).get(mv).f32x4ExtractLane(1).f32Max().get(mv).f32x4ExtractLane(2).f32Max().get(mv).f32x4ExtractLane(3).f32Max().set(m);
    f.for(q, () => f.get(vend), () => f.get(end), 4, () => { f.get(m).get(q).f32Load().f32Max().set(m); });
    f.get(m).get(m).f32Sub().get(m).get(m).f32Sub().f32Ne().if();
    {
      // max is NaN or infinite: NaN statistics
      f.get(stats).get(r).i32(4).shl().add().f32(NaN).f64PromoteF32().f64Store(0);
      f.get(stats).get(r).i32(4).shl().add().f32(NaN).f64PromoteF32().f64Store(8);
    }
    f.else();
    {
      f.get(m).f32x4Splat().set(mv);
      f.v128Zero().set(lo);
      f.v128Zero().set(hi);
      f.get(dst).get(r).get(len).mul().i32(2).shl().add().set(q); // q walks dst
      f.block().loop();
      f.get(p).get(vend).geS().brIf(1);
      f.get(p).v128Load();
      expOfMinusMax();
      f.set(e);
      f.get(writeExp).if().get(q).get(e).v128Store().end();
      accumulateF64(f, lo, hi, e);
      f.get(p).i32(16).add().set(p);
      f.get(q).i32(16).add().set(q);
      f.br(0).end().end();
      totalF64(f, lo, hi, s);
      f.block().loop();
      f.get(p).get(end).geS().brIf(1);
      f.get(p).f32Load().f32x4Splat();
      expOfMinusMax();
      f.set(e);
      f.get(writeExp).if().get(q).get(e).f32x4ExtractLane(0).f32Store().end();
      f.get(s).get(e).f32x4ExtractLane(0).f64PromoteF32().f64Add().set(s);
      f.get(p).i32(4).add().set(p);
      f.get(q).i32(4).add().set(q);
      f.br(0).end().end();
      f.get(stats).get(r).i32(4).shl().add().get(m).f64PromoteF32().f64Store(0);
      f.get(stats).get(r).i32(4).shl().add().get(s).f64Store(8);
    }
    f.end();
  });
  return f;
}

/**
 * softmaxFinish(src, dst, stats, len, log, u0, u1): for rows r ∈ [u0, u1): with `log` = 0,
 * dst /= stats[r].sum (softmax, dst holding the exps); with `log` ≠ 0, dst = src − stats[r].max
 * (the caller has replaced max by max + log(sum)).
 */
export function softmaxFinishKernel(): FunctionBuilder {
  const I = ValType.i32;
  const f = new FunctionBuilder(Array<ValType>(7).fill(I));
  const [src, dst, stats, len, log, u0, u1] = [0, 1, 2, 3, 4, 5, 6];
  const [r, p, q, vend, end, sp] = Array.from({ length: 6 }, () => f.local(I)) as [number, number, number, number, number, number];
  const cv = f.local(ValType.v128);
  const c = f.local(ValType.f32);
  f.for(r, () => f.get(u0), () => f.get(u1), 1, () => {
    f.get(src).get(r).get(len).mul().i32(2).shl().add().set(p);
    f.get(dst).get(r).get(len).mul().i32(2).shl().add().set(q);
    f.get(q).get(len).i32(2).shl().add().set(end);
    f.get(q).get(len).i32(-4).and().i32(2).shl().add().set(vend);
    // c = the row's constant: max + log(sum) for logSoftmax, the sum for softmax
    f.get(stats).get(r).i32(4).shl().add().set(sp);
    f.get(log).if().get(sp).f64Load(0).f32DemoteF64().set(c);
    f.else().get(sp).f64Load(8).f32DemoteF64().set(c);
    f.end();
    f.get(c).f32x4Splat().set(cv);
    f.get(log).if();
    {
      f.block().loop();
      f.get(q).get(vend).geS().brIf(1);
      f.get(q).get(p).v128Load().get(cv).f32x4Sub().v128Store();
      f.get(p).i32(16).add().set(p);
      f.get(q).i32(16).add().set(q);
      f.br(0).end().end();
      f.for(q, () => f.get(q), () => f.get(end), 0, () => {
        f.get(q).get(p).f32Load().get(c).f32Sub().f32Store();
        f.get(p).i32(4).add().set(p);
        f.get(q).i32(4).add().set(q);
      });
    }
    f.else();
    {
      f.for(q, () => f.get(q), () => f.get(vend), 16, () => { f.get(q).get(q).v128Load().get(cv).f32x4Div().v128Store(); });
      f.for(q, () => f.get(q), () => f.get(end), 4, () => { f.get(q).get(q).f32Load().get(c).f32Div().f32Store(); });
    }
    f.end();
  });
  return f;
}
