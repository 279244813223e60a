/**
 * Elementwise ("map") kernels of the generated WebAssembly module: one f32x4 loop per op over
 * dense float32 arrays staged in the kernel memory (see map.ts). JavaScript loops over typed arrays
 * run at ~1–5 ns per element on the machines we measured, about ten times slower than a memcpy; a
 * SIMD loop runs near memory speed, so copying the operands in and the result out (two memcpys)
 * and mapping in WebAssembly is several times faster than mapping in JavaScript.
 *
 * Every op here except exp is exactly rounded the same way as the reference kernel (a single IEEE
 * float32 operation per element, or the same sequence of them), so results are bit-identical; NaN
 * payloads may differ (WebAssembly canonicalises NaNs), which nothing observes. exp is within
 * ~1 ulp (PyTorch's own vectorised CPU exp is not correctly rounded either).
 *
 * Calling convention (all i32, pointers are byte offsets): `map_<op>(in_0, …, in_k, dst, n4,
 * s_0, …, s_m, u0, u1)` maps vectors [u0·MAP_CHUNK, min(u1·MAP_CHUNK, n4)) where n4 is the
 * number of 4-float vectors; `s_j` are float32 scalars passed as their bit patterns (the thread
 * pool's job words are integers). `dst` may equal an input (in-place updates).
 * @packageDocumentation
 */
import { FunctionBuilder, ValType } from './emit.js';
import { emitExpF32x4 } from './exp-simd.js';

/** Vectors (of 4 floats) per work unit: 16 KiB, so the pool splits big maps into many even ranges. */
export const MAP_CHUNK = 1024;

/** How an op's body pushes its operands: `x(k)` loads input k's vector, `s(k)` pushes scalar k splatted. */
type MapBody = (f: FunctionBuilder, x: (k: number) => void, s: (k: number) => void) => void;

interface MapSpec { inputs: number; scalars: number; body: MapBody }

const binary = (op: (f: FunctionBuilder) => void): MapSpec => ({ inputs: 2, scalars: 0, body: (f, x) => { x(0); x(1); op(f); } });
const withScalar = (op: (f: FunctionBuilder) => void, left: boolean): MapSpec => ({
  inputs: 1, scalars: 1, body: (f, x, s) => { if (left) { s(0); x(0); } else { x(0); s(0); } op(f); },
});
const add = (f: FunctionBuilder) => f.f32x4Add();
const sub = (f: FunctionBuilder) => f.f32x4Sub();
const mul = (f: FunctionBuilder) => f.f32x4Mul();
const div = (f: FunctionBuilder) => f.f32x4Div();

/** The map kernels by op name (exported as `map_<name>`). */
export const MAP_KERNELS = {
  // max(x, 0): NaN stays NaN, -0 and -Inf give +0 (WebAssembly's max orders -0 below +0)
  relu: { inputs: 1, scalars: 0, body: (f, x) => { x(0); f.v128Zero().f32x4Max(); } },
  // exp to ~1 ulp (exp-simd.ts), not bit-identical to the reference's correctly rounded Math.exp
  exp: { inputs: 1, scalars: 0, body: (f, x) => { x(0); emitExpF32x4(f); } },
  add: binary(add),
  sub: binary(sub),
  mul: binary(mul),
  div: binary(div),
  // NaN-propagating like PyTorch's maximum/minimum
  maximum: binary((f) => f.f32x4Max()),
  minimum: binary((f) => f.f32x4Min()),
  addScalar: withScalar(add, false),
  subScalar: withScalar(sub, false),
  mulScalar: withScalar(mul, false),
  divScalar: withScalar(div, false),
  scalarAdd: withScalar(add, true),
  scalarSub: withScalar(sub, true),
  scalarMul: withScalar(mul, true),
  scalarDiv: withScalar(div, true),
  // threshold_backward: g where y > threshold else +0, as a bit mask (g, y; threshold)
  thresholdBackward: { inputs: 2, scalars: 1, body: (f, x, s) => { x(0); x(1); s(0); f.f32x4Gt().v128And(); } },
  // plain SGD: p − (lr·sign)·g (p, g; lr·sign)
  sgd: { inputs: 2, scalars: 1, body: (f, x, s) => { x(0); s(0); x(1); f.f32x4Mul().f32x4Sub(); } },
  // SGD with weight decay: p − lr·(sign·g + wd·p) (p, g; lr, sign, wd)
  sgdWeightDecay: {
    inputs: 2, scalars: 3,
    body: (f, x, s) => { x(0); s(0); s(1); x(1); f.f32x4Mul(); s(2); x(0); f.f32x4Mul().f32x4Add().f32x4Mul().f32x4Sub(); },
  },
} satisfies Record<string, MapSpec>;

/** A map op's name. */
export type MapOp = keyof typeof MAP_KERNELS;

/** Export names of the map kernels, in module order. */
export const MAP_EXPORTS = (Object.keys(MAP_KERNELS) as MapOp[]).map((op) => `map_${op}` as const);

/** Emits `map_<op>` (see the calling convention above). */
export function mapKernel(spec: MapSpec): FunctionBuilder {
  const I = ValType.i32;
  const nParams = spec.inputs + 2 + spec.scalars + 2;
  const f = new FunctionBuilder(Array<ValType>(nParams).fill(I));
  const dst = spec.inputs, n4 = spec.inputs + 1, u0 = nParams - 2, u1 = nParams - 1;
  const off = f.local(I);
  const end = f.local(I);
  const splats = Array.from({ length: spec.scalars }, (_, k) => {
    const v = f.local(ValType.v128);
    f.get(n4 + 1 + k).f32ReinterpretI32().f32x4Splat().set(v);
    return v;
  });
  // end = min(u1·MAP_CHUNK, n4) vectors, in bytes
  f.get(u1).i32(MAP_CHUNK).mul().set(end);
  f.get(end).get(n4).get(end).get(n4).ltS().select().i32(4).shl().set(end);
  f.for(off, () => f.get(u0).i32(MAP_CHUNK * 16).mul(), () => f.get(end), 16, () => {
    f.get(dst).get(off).add();
    spec.body(f, (k) => f.get(k).get(off).add().v128Load(), (k) => f.get(splats[k]!));
    f.v128Store();
  });
  return f;
}
