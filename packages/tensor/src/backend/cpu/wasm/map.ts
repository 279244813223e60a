/**
 * Staged elementwise maps: dense float32 operands are copied into the kernel memory, mapped by a
 * `map_<op>` kernel (map-module.ts; split across the kernel threads when large) and the result
 * copied out. Two memcpys plus an f32x4 loop cost a fraction of a JavaScript loop over the same
 * elements, and results are bit-identical to the reference kernels (see map-module.ts).
 * @packageDocumentation
 */
import { MAP_CHUNK, type MapOp } from './map-module.js';
import { roundUp, runKernel } from './matmul.js';
import { wasmRuntime } from './runtime.js';

/**
 * Elements below which the JavaScript loops are used: staging costs two copies and a kernel call
 * (~2 µs), which a loop over a few thousand elements does not repay.
 */
export const MIN_STAGED = 4096;

const bitsI = new Int32Array(1);
const bitsF = new Float32Array(bitsI.buffer);

/** The bit pattern of `v` rounded to float32 (how map kernels receive scalars). */
export function f32Bits(v: number): number {
  bitsF[0] = v;
  return bitsI[0]!;
}

/** Whether `v` is exactly a float32 value: then a float32 op with it rounds like the reference's double op. */
export const isF32 = (v: number) => Math.fround(v) === v || v !== v;

/** `n` dense float32 elements of `data` starting at `offset`. */
export interface DenseF32 { data: Float32Array; offset: number }

/**
 * Runs `map_<op>` over `n` elements of the dense operands with float32 `scalars`, writing the result
 * to `out` from `outOffset` (which may alias an input: everything is staged first). Returns false,
 * having written nothing, when the WebAssembly kernels are unavailable or the operands do not fit
 * the kernel memory; the caller then runs its JavaScript loop.
 */
export function stagedMap(op: MapOp, inputs: readonly DenseF32[], n: number, scalars: readonly number[], out: Float32Array, outOffset = 0): boolean {
  const rt = wasmRuntime();
  if (!rt) return false;
  const n4 = Math.ceil(n / 4);
  const scalarBits = scalars.map(f32Bits);
  const ptrs = inputs.map((x) => rt.addressOf(x.data, x.offset));
  const pOut = rt.addressOf(out, outOffset);
  // resident operands (arrays living in the kernel memory) are mapped in place; a kernel reads
  // whole vectors, so a resident length that is not a multiple of 4 is staged like the rest (the
  // last vector would read past the array, and write past it for the output)
  // memory-bound maps are worth a second thread only for several million elements (the copies
  // around a staged map are serial anyway, and a wake-up costs more when the machine is busy);
  // exp does ~20 vector ops per 4 elements, so it splits from ~250 k
  const work = op === 'exp' ? 20 * n : n;
  if (n % 4 === 0 && pOut !== null && ptrs.every((p) => p !== null)) {
    runKernel(rt, `map_${op}`, [...(ptrs as number[]), pOut, n4, ...scalarBits], Math.ceil(n4 / MAP_CHUNK), work);
    return true;
  }
  // slots of whole vectors (16-byte aligned); the padding lanes compute on stale values, never read
  const slot = n4 * 4;
  const scratch = rt.reserve(inputs.length * slot * 4);
  if (!scratch) return false;
  const { mem, base } = scratch;
  inputs.forEach((x, k) => mem.set(x.data.subarray(x.offset, x.offset + n), base + k * slot));
  const args = [...inputs.map((_, k) => (base + k * slot) * 4), base * 4, n4, ...scalarBits];
  runKernel(rt, `map_${op}`, args, Math.ceil(n4 / MAP_CHUNK), work);
  out.set(mem.subarray(base, base + n), outOffset);
  return true;
}
