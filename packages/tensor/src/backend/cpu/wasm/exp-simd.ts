/**
 * exp on four float32 lanes, for the elementwise and softmax kernels: Cephes' expf (range
 * reduction x = n·ln2 + r with |r| ≤ ln2/2, a degree-5 polynomial for e^r, then 2^n built in the
 * exponent bits). Accurate to about 1 ulp, like the vectorised exp PyTorch runs on CPUs (SLEEF's
 * u10); `Math.exp` in a JavaScript loop is correctly rounded but ~15× slower here.
 *
 * Edge cases follow IEEE exp: NaN stays NaN, +Inf and anything above ~88.72 give +Inf, -Inf and
 * anything below ~-103.3 give 0, and results between are subnormal rather than flushed (2^n is
 * applied in two halves, so neither factor leaves the normal range).
 * @packageDocumentation
 */
import { FunctionBuilder, ValType } from './emit.js';

/** Cephes expf's polynomial for (e^r − 1 − r) / r², highest degree first. */
const POLY = [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];
/** ln 2 split so that n·LN2_HI is exact for the n that occur. */
const LN2_HI = 0.693359375;
const LN2_LO = -2.12194440e-4;

/**
 * Emits code that pops an f32x4 and pushes its lane-wise exp. Declares its own locals in `f`
 * (call it once per function, or accept a few more locals per call).
 */
export function emitExpF32x4(f: FunctionBuilder): void {
  const V = ValType.v128;
  const [x, n, r, p, ni, half] = Array.from({ length: 6 }, () => f.local(V)) as [number, number, number, number, number, number];
  const splat = (v: number) => f.f32(v).f32x4Splat();
  // clamp: beyond these e^x is +Inf or 0 anyway, and n stays within 2^±150 (NaN passes through)
  f.set(x);
  f.get(x); splat(-104); f.f32x4Max(); splat(89); f.f32x4Min().set(x);
  f.get(x); splat(Math.LOG2E); f.f32x4Mul().f32x4Nearest().set(n);
  // r = x − n·ln2 in two steps (LN2_HI has few mantissa bits, so n·LN2_HI is exact)
  f.get(x).get(n); splat(LN2_HI); f.f32x4Mul().f32x4Sub();
  f.get(n); splat(LN2_LO); f.f32x4Mul().f32x4Sub().set(r);
  // p(r) by Horner, then e^r = p·r² + r + 1
  splat(POLY[0]!);
  for (const c of POLY.slice(1)) { f.get(r).f32x4Mul(); splat(c); f.f32x4Add(); }
  f.get(r).get(r).f32x4Mul().f32x4Mul();
  f.get(r).f32x4Add(); splat(1); f.f32x4Add().set(p);
  // 2^n as two factors 2^(n>>1) and 2^(n − (n>>1)), each a normal float: exponent bits (k + 127) << 23
  f.get(n).i32x4TruncSatF32x4S().set(ni);
  f.get(ni).i32(1).i32x4ShrS().set(half);
  f.get(p);
  f.get(half); f.i32(127).i32x4Splat().i32x4Add().i32(23).i32x4Shl();
  f.f32x4Mul();
  f.get(ni).get(half).i32x4Sub(); f.i32(127).i32x4Splat().i32x4Add().i32(23).i32x4Shl();
  f.f32x4Mul();
}
