/**
 * The fast CPU kernels against the reference kernels: the generated WebAssembly GEMM (odd sizes,
 * strided / transposed / negative-stride / batched-broadcast operands, one and two threads), the
 * bytecode emitter, the fallback to the reference kernels when SIMD is off, the convolution
 * kernels against direct loops, and the run-wise elementwise/reduction loops against the reference.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getNumThreads, randn, setNumThreads, tensor } from '../src/index.js';
import { matmulKernel } from '../src/backend/cpu/matmul.js';
import { sleb, uleb } from '../src/backend/cpu/wasm/emit.js';
import { buildGemmModule } from '../src/backend/cpu/wasm/gemm-module.js';
import { wasmMatmulF32 } from '../src/backend/cpu/wasm/matmul.js';
import { setWasmKernelsEnabled, wasmFeatures, wasmRuntime } from '../src/backend/cpu/wasm/runtime.js';
import { platformReady } from '../src/threads/num-threads.js';
import { contiguousStrides, numelOf, type View } from '../src/shape.js';
import { conv2dForward, conv2dWeightGrad, convTranspose2d, transposeAsConv } from '../src/backend/cpu/fast/conv2d.js';
import { copyView } from '../src/backend/cpu/fast/copy.js';
import { binaryF32, binaryScalarF32, compareF32, unaryF32, whereF32 } from '../src/backend/cpu/fast/elementwise.js';
import { reduceF32 } from '../src/backend/cpu/fast/reduce.js';
import { binaryKernel, unaryKernel, whereKernel } from '../src/backend/cpu/elementwise.js';
import { reduceKernel } from '../src/backend/cpu/reduce.js';
import { offsets } from '../src/backend/cpu/strided.js';
import { scatterRuns } from '../src/backend/cpu/fast/scatter.js';
import { maxPool2dForward } from '../src/backend/cpu/fast/pool.js';
import { scatterKernel } from '../src/backend/cpu/indexing.js';

/** A deterministic pseudo-random float32 buffer (values in [-1, 1)). */
function data(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    out[i] = ((s >>> 0) / 2 ** 32) * 2 - 1;
  }
  return out;
}

const view = (shape: number[], strides = contiguousStrides(shape), offset = 0): View => ({ shape, strides, offset });

/** Fast vs reference on the same operands: equal within float32 accumulation error. */
function expectMatchesReference(a: Float32Array, av: View, b: Float32Array, bv: View, outShape: number[]): void {
  const fast = wasmMatmulF32(a, av, b, bv, outShape);
  expect(fast).not.toBeNull();
  const ref = matmulKernel(a, av, b, bv, outShape, 'float32');
  expect(fast!.length).toBe(ref.length);
  const K = av.shape[av.shape.length - 1]!;
  // inputs are in [-1, 1): the float32 rounding error of a K-term dot product is ~K·2⁻²⁴ at worst
  const tol = 1e-6 * (K + 8);
  for (let i = 0; i < ref.length; i++) {
    if (Math.abs(fast![i]! - ref[i]!) > tol) expect.fail(`element ${i}: fast ${fast![i]} vs reference ${ref[i]} (tolerance ${tol})`);
  }
}

/** A contiguous [...batch, r, c] operand. */
function dense(shape: number[], seed: number): { d: Float32Array; v: View } {
  return { d: data(numelOf(shape), seed), v: view(shape) };
}

describe('wasm emitter', () => {
  it('encodes LEB128', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([127]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([63]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });

  it('emits GEMM modules that validate (shared and unshared memory, several panel widths)', () => {
    expect(wasmFeatures().simd).toBe(true); // Node ≥ 16 has WebAssembly SIMD
    for (const shared of [false, true]) {
      // the weight gradient's packer transposes 4×4 tiles, so the register tile keeps mr = 4
      for (const nr of [4, 8, 12, 16]) {
        const bytes = buildGemmModule({ mr: 4, nr, relaxed: false, shared, minPages: 1, maxPages: 16 });
        expect(WebAssembly.validate(bytes)).toBe(true);
      }
      expect(() => buildGemmModule({ mr: 6, nr: 8, relaxed: false, shared, minPages: 1, maxPages: 16 })).toThrow(/mr = 4/);
    }
  });

  it('emits a relaxed-SIMD module that validates exactly when the engine has relaxed SIMD', () => {
    const bytes = buildGemmModule({ mr: 4, nr: 8, relaxed: true, shared: false, minPages: 1, maxPages: 16 });
    expect(WebAssembly.validate(bytes)).toBe(wasmFeatures().relaxedSimd);
  });

  it('switches on relaxed SIMD (one FMA per multiply-add) where Node keeps it behind a flag', () => {
    // Node ≥ 20.16 has process.getBuiltinModule, through which the runtime sets V8's flag
    const canFlag = typeof (process as { getBuiltinModule?: unknown }).getBuiltinModule === 'function';
    if (canFlag && process.env.KILN_RELAXED_SIMD !== '0') expect(wasmFeatures().relaxedSimd).toBe(true);
    expect(wasmRuntime()!.features.relaxedSimd).toBe(wasmFeatures().relaxedSimd);
  });
});

describe.each([1, 2])('wasm GEMM with %i thread(s)', (threads) => {
  let saved = 1;
  beforeAll(async () => {
    saved = getNumThreads();
    setNumThreads(threads);
    await platformReady;
    if (threads > 1) {
      const pool = wasmRuntime()!.pool!;
      await pool.warmUp(threads);
      expect(pool.readyCount()).toBeGreaterThanOrEqual(threads - 1);
    }
  });
  afterAll(() => setNumThreads(saved));

  it('matches the reference on odd sizes (1, 3, 17, 1023)', () => {
    const sizes = [1, 3, 17];
    let seed = 1;
    for (const M of sizes) for (const K of sizes) for (const N of sizes) {
      const a = dense([M, K], seed++);
      const b = dense([K, N], seed++);
      expectMatchesReference(a.d, a.v, b.d, b.v, [M, N]);
    }
    for (const [M, K, N] of [[1023, 3, 17], [3, 1023, 17], [17, 3, 1023], [1023, 17, 1], [1, 1023, 3]] as const) {
      const a = dense([M, K], seed++);
      const b = dense([K, N], seed++);
      expectMatchesReference(a.d, a.v, b.d, b.v, [M, N]);
    }
  });

  it('matches the reference on products large enough to be split across threads', () => {
    // 2·M·N·K above the parallel threshold, with ragged panel edges and several K-blocks
    const [M, K, N] = [203, 517, 131];
    const a = dense([M, K], 7);
    const b = dense([K, N], 8);
    expectMatchesReference(a.d, a.v, b.d, b.v, [M, N]);
  });

  it('reads transposed, sliced and negative-stride operands', () => {
    const [M, K, N] = [37, 45, 29];
    const at = data(K * M, 3); // A stored as [K, M]: a transposed view
    const bt = data(N * K, 4); // B stored as [N, K]
    expectMatchesReference(at, view([M, K], [1, M]), bt, view([K, N], [1, K]), [M, N]);
    // every other row and column of a larger buffer, with an offset
    const big = data(4 * M * K + 10, 5);
    const bb = data(2 * K * 3 * N + 7, 6);
    expectMatchesReference(big, view([M, K], [4 * K, 2], 10), bb, view([K, N], [3 * N, 3], 7), [M, N]);
    // flipped rows of A and flipped columns of B (negative strides)
    const a = data(M * K, 9);
    const b = data(K * N, 10);
    expectMatchesReference(a, view([M, K], [-K, 1], (M - 1) * K), b, view([K, N], [N, -1], N - 1), [M, N]);
  });

  it('handles batches: distinct, shared A (stride 0), shared B (folded into M) and broadcast dims', () => {
    const [B, M, K, N] = [5, 19, 33, 21];
    const a = dense([B, M, K], 11);
    const b = dense([B, K, N], 12);
    expectMatchesReference(a.d, a.v, b.d, b.v, [B, M, N]);
    const a1 = data(M * K, 13);
    expectMatchesReference(a1, view([B, M, K], [0, K, 1]), b.d, b.v, [B, M, N]);
    const b1 = data(K * N, 14);
    expectMatchesReference(a.d, a.v, b1, view([B, K, N], [0, N, 1]), [B, M, N]);
    // [2, 1, M, K] @ [1, 3, K, N] broadcast to [2, 3, …], B transposed too
    const a2 = data(2 * M * K, 15);
    const b2 = data(3 * K * N, 16);
    expectMatchesReference(a2, view([2, 3, M, K], [M * K, 0, K, 1]), b2, view([2, 3, K, N], [0, K * N, 1, K]), [2, 3, M, N]);
  });

  it('batched products with many units split across threads', () => {
    const [B, M, K, N] = [9, 64, 300, 70];
    const a = data(M * K, 17);
    const b = dense([B, K, N], 18);
    expectMatchesReference(a, view([B, M, K], [0, K, 1]), b.d, b.v, [B, M, N]);
  });

  it('returns empty and zero results for empty dims', () => {
    expect(wasmMatmulF32(new Float32Array(0), view([0, 3]), data(12, 1), view([3, 4]), [0, 4])!.length).toBe(0);
    expect(Array.from(wasmMatmulF32(new Float32Array(0), view([2, 0]), new Float32Array(0), view([0, 3]), [2, 3])!)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('propagates NaN and Inf like the reference (0 · Inf = NaN)', () => {
    const a = new Float32Array([0, 1, 2, 3]);
    const b = new Float32Array([Infinity, 1, 1, NaN]);
    const fast = wasmMatmulF32(a, view([2, 2]), b, view([2, 2]), [2, 2])!;
    const ref = matmulKernel(a, view([2, 2]), b, view([2, 2]), [2, 2], 'float32');
    expect(Array.from(fast)).toEqual(Array.from(ref));
  });
});

describe('CPU backend routing', () => {
  it('float32 matmul through the tensor API equals the reference', () => {
    const a = randn([3, 40, 50]);
    const b = randn([50, 20]);
    const fast = a.matmul(b).dataSync();
    setWasmKernelsEnabled(false);
    try {
      const ref = a.matmul(b).dataSync();
      for (let i = 0; i < ref.length; i++) expect(Math.abs(fast[i]! - ref[i]!)).toBeLessThan(1e-4);
    } finally {
      setWasmKernelsEnabled(true);
    }
  });

  it('falls back to the reference kernels when SIMD is off', () => {
    setWasmKernelsEnabled(false);
    try {
      expect(wasmRuntime()).toBeNull();
      const a = tensor([[1, 2], [3, 4]]);
      expect(a.matmul(a).tolist()).toEqual([[7, 10], [15, 22]]);
    } finally {
      setWasmKernelsEnabled(true);
    }
    expect(wasmRuntime()).not.toBeNull();
  });

  it('float64 and int32 matmul stay on the reference kernel (exact)', () => {
    const a = tensor([[1, 2], [3, 4]], { dtype: 'float64' });
    expect(a.matmul(a).tolist()).toEqual([[7, 10], [15, 22]]);
    const i = tensor([[1, 2], [3, 4]], { dtype: 'int32' });
    expect(i.matmul(i).tolist()).toEqual([[7, 10], [15, 22]]);
  });
});

describe('fast convolution kernels (float32, groups = 1) against direct loops', () => {
  interface Geo { B: number; C: number; H: number; W: number; Cout: number; kh: number; kw: number; s: [number, number]; p: [number, number]; d: [number, number] }
  const outLen = (n: number, k: number, s: number, p: number, d: number) => Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;
  const attrs = (g: Geo) => ({ stride: g.s, padding: g.p, dilation: g.d, groups: 1 });
  const dense = (data: Float32Array, shape: number[], offset = 0) => ({ data, offset, shape });

  /** y[b, co, oh, ow] = Σ x[b, c, oh·s − p + i·d, ow·s − p + j·d] · w[co, c, i, j], in double precision. */
  function forEachTap(g: Geo, OH: number, OW: number, f: (xi: number, wi: number, yi: number) => void): void {
    for (let b = 0; b < g.B; b++) for (let co = 0; co < g.Cout; co++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
      for (let c = 0; c < g.C; c++) for (let i = 0; i < g.kh; i++) for (let j = 0; j < g.kw; j++) {
        const ih = oh * g.s[0] - g.p[0] + i * g.d[0];
        const iw = ow * g.s[1] - g.p[1] + j * g.d[1];
        if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) continue;
        f(((b * g.C + c) * g.H + ih) * g.W + iw, ((co * g.C + c) * g.kh + i) * g.kw + j, ((b * g.Cout + co) * OH + oh) * OW + ow);
      }
    }
  }

  const close = (got: Float32Array, want: Float64Array, tol: number) => {
    expect(got.length).toBe(want.length);
    for (let i = 0; i < want.length; i++) if (Math.abs(got[i]! - want[i]!) > tol) expect.fail(`element ${i}: ${got[i]} vs ${want[i]}`);
  };

  const geos: Geo[] = [
    { B: 2, C: 3, H: 7, W: 9, Cout: 5, kh: 3, kw: 3, s: [1, 1], p: [0, 0], d: [1, 1] },
    { B: 3, C: 2, H: 8, W: 5, Cout: 9, kh: 3, kw: 2, s: [2, 1], p: [1, 2], d: [1, 2] },
    { B: 1, C: 1, H: 17, W: 3, Cout: 1, kh: 1, kw: 3, s: [3, 2], p: [2, 1], d: [2, 1] },
    { B: 2, C: 17, H: 6, W: 6, Cout: 3, kh: 3, kw: 3, s: [1, 1], p: [1, 1], d: [1, 1] },
    // big enough for the thread pool, with K = 288 > one K-block and an odd batch split
    { B: 5, C: 32, H: 12, W: 13, Cout: 20, kh: 3, kw: 3, s: [1, 1], p: [1, 0], d: [1, 1] },
    // the vectorised packers (stride 1): the MNIST layer's rows (K-blocks of 256 split L = 576),
    // rows of exactly 4, and a K-block boundary in the middle of an output row with padding and dilation
    { B: 2, C: 4, H: 26, W: 26, Cout: 8, kh: 3, kw: 3, s: [1, 1], p: [0, 0], d: [1, 1] },
    { B: 1, C: 2, H: 5, W: 4, Cout: 3, kh: 2, kw: 1, s: [1, 1], p: [0, 0], d: [1, 1] },
    { B: 2, C: 3, H: 20, W: 19, Cout: 4, kh: 3, kw: 3, s: [1, 1], p: [1, 1], d: [1, 2] },
  ];

  it.each(geos.map((g, i) => [i, g] as const))('geometry %i: forward, weight gradient and transposed convolution', (_i, g) => {
    const OH = outLen(g.H, g.kh, g.s[0], g.p[0], g.d[0]);
    const OW = outLen(g.W, g.kw, g.s[1], g.p[1], g.d[1]);
    const x = data(g.B * g.C * g.H * g.W + 3, 21); // offset 3: the kernels honour view offsets
    const w = data(g.Cout * g.C * g.kh * g.kw, 22);
    const bias = data(g.Cout, 23);
    const gy = data(g.B * g.Cout * OH * OW, 24);
    const tol = 1e-5 * (g.C * g.kh * g.kw + g.B * OH * OW);

    const y = new Float64Array(g.B * g.Cout * OH * OW);
    forEachTap(g, OH, OW, (xi, wi, yi) => (y[yi] = y[yi]! + x[xi + 3]! * w[wi]!));
    for (let i = 0; i < y.length; i++) y[i] = y[i]! + bias[Math.floor(i / (OH * OW)) % g.Cout]!;
    const fy = conv2dForward(dense(x, [g.B, g.C, g.H, g.W], 3), dense(w, [g.Cout, g.C, g.kh, g.kw]), dense(bias, [g.Cout]), attrs(g))!;
    expect(fy.shape).toEqual([g.B, g.Cout, OH, OW]);
    close(fy.data, y, tol);

    const dw = new Float64Array(w.length);
    forEachTap(g, OH, OW, (xi, wi, yi) => (dw[wi] = dw[wi]! + x[xi + 3]! * gy[yi]!));
    close(conv2dWeightGrad(dense(x, [g.B, g.C, g.H, g.W], 3), dense(gy, [g.B, g.Cout, OH, OW]), [g.Cout, g.C, g.kh, g.kw], attrs(g))!.data, dw, tol);

    // the input gradient is the transposed convolution of gy with w (Cin of the transpose = Cout)
    const dx = new Float64Array(g.B * g.C * g.H * g.W);
    forEachTap(g, OH, OW, (xi, wi, yi) => (dx[xi] = dx[xi]! + gy[yi]! * w[wi]!));
    const outputPadding = [g.H - ((OH - 1) * g.s[0] - 2 * g.p[0] + g.d[0] * (g.kh - 1) + 1), g.W - ((OW - 1) * g.s[1] - 2 * g.p[1] + g.d[1] * (g.kw - 1) + 1)];
    const fx = convTranspose2d(dense(gy, [g.B, g.Cout, OH, OW]), dense(w, [g.Cout, g.C, g.kh, g.kw]), null, { ...attrs(g), outputPadding })!;
    expect(fx.shape).toEqual([g.B, g.C, g.H, g.W]);
    close(fx.data, dx, tol);
  });
});

describe('fast elementwise and reduction loops equal the reference kernels', () => {
  const shapes: { shape: number[]; strides?: number[]; offset?: number }[] = [
    { shape: [1023] },
    { shape: [3, 17] },
    { shape: [17, 3], strides: [1, 17] }, // transposed
    { shape: [4, 5, 6], strides: [60, 1, 10], offset: 2 }, // permuted with an offset
    { shape: [5, 4], strides: [-4, 1], offset: 16 }, // flipped rows
  ];
  const bits = (x: ArrayLike<number>) => Array.from(x, (v) => (Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : v));

  it('unary ops (relu keeps NaN, exp, neg, a scalar-function op)', () => {
    for (const s of shapes) {
      const v = view(s.shape, s.strides, s.offset);
      const x = data(2000, 31);
      x[3] = NaN; x[5] = -0; x[7] = Infinity; x[9] = -Infinity;
      for (const op of ['relu', 'exp', 'neg', 'sigmoid', 'square'] as const) {
        expect(bits(unaryF32(op, x, v))).toEqual(bits(unaryKernel(op, x, v, 'float32')));
      }
    }
  });

  it('binary, comparison and where ops with broadcasting', () => {
    const a = data(200, 32);
    const b = data(200, 33);
    a[4] = NaN;
    const av = view([4, 5, 6], [60, 1, 10], 2);
    const cases: [View, readonly number[]][] = [[view([4, 5, 6], undefined, 7), [4, 5, 6]], [view([6]), [4, 5, 6]], [view([5, 1], [1, 0]), [4, 5, 6]], [view([]), [4, 5, 6]]];
    for (const [bv, outShape] of cases) {
      for (const op of ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as const) {
        expect(bits(binaryF32(op, a, av, b, bv, outShape)!)).toEqual(bits(binaryKernel(op, a, av, b, bv, outShape, 'float32', false)));
      }
      for (const op of ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const) {
        expect(bits(compareF32(op, a, av, b, bv, outShape)!)).toEqual(bits(binaryKernel(op, a, av, b, bv, outShape, 'bool', false)));
      }
      const c = new Uint8Array(200).map((_, i) => i % 3 === 0 ? 1 : 0);
      expect(bits(whereF32(c, bv, a, av, b, view([6]), outShape))).toEqual(bits(whereKernel(c, bv, a, av, b, view([6]), outShape, 'float32')));
    }
  });

  it('float32 tensor with a one-element operand of another dtype (float64 scalar)', () => {
    const a = data(2000, 37);
    const av = view([17, 3], [1, 17], 5);
    const y = new Float64Array([0.1]);
    for (const op of ['add', 'sub', 'mul', 'div'] as const) {
      expect(bits(binaryScalarF32(op, a, av, 0.1, [17, 3], false)!)).toEqual(bits(binaryKernel(op, a, av, y, view([]), [17, 3], 'float32', false)));
      expect(bits(binaryScalarF32(op, a, av, 0.1, [17, 3], true)!)).toEqual(bits(binaryKernel(op, y, view([]), a, av, [17, 3], 'float32', false)));
    }
  });

  it('sum / max / min over any axes', () => {
    const x = data(2000, 34);
    for (const s of shapes) {
      const v = view(s.shape, s.strides, s.offset);
      const nd = s.shape.length;
      const axesSets = nd === 1 ? [[0]] : nd === 2 ? [[0], [1], [0, 1]] : [[0], [2], [0, 2], [1, 2], [0, 1, 2]];
      for (const axes of axesSets) {
        for (const op of ['sum', 'max', 'min'] as const) {
          const fast = reduceF32(op, x, v, axes)!;
          const ref = reduceKernel(op, x, v, axes, 'float32');
          expect(fast.length).toBe(ref.length);
          for (let i = 0; i < ref.length; i++) expect(Math.abs(fast[i]! - ref[i]!)).toBeLessThanOrEqual(op === 'sum' ? 1e-6 : 0);
        }
      }
    }
    const withNaN = data(30, 35);
    withNaN[7] = NaN;
    expect(bits(reduceF32('max', withNaN, view([5, 6]), [1])!)).toEqual(bits(reduceKernel('max', withNaN, view([5, 6]), [1], 'float32')));
  });

  it('strided copies (contiguous of a view) for any dtype', () => {
    const x = data(2000, 36);
    for (const s of shapes) {
      const v = view(s.shape, s.strides, s.offset);
      const out = new Float32Array(numelOf(s.shape));
      copyView(x, v, out);
      expect(Array.from(out)).toEqual(Array.from(offsets(v), (o) => x[o]!));
    }
  });
});

describe('fast scatter and max-pool kernels', () => {
  it('scatter / scatter-add equal the reference for strided operands and a larger src', () => {
    const x = data(60, 41);
    const xv = view([3, 4, 5]);
    const idx = new Int32Array([0, 3, 1, 3, 2, 0, 0, 1, 2, 3, 3, 3, 1, 1, 0, 2, 2, 2]);
    const iv = view([3, 2, 3]);
    const src = data(3 * 4 * 5, 42);
    const sv = view([3, 2, 3], [20, 5, 1]); // the index-shaped corner of a [3, 4, 5] src
    for (const mode of ['assign', 'add'] as const) {
      expect(Array.from(scatterRuns(x, xv, 'float32', 1, idx, iv, src, sv, mode))).toEqual(Array.from(scatterKernel(x, xv, 'float32', 1, idx, iv, src, sv, mode)));
    }
    const idx2 = new Int32Array(36).map((_, i) => (i * 7) % 5);
    const iv2 = view([3, 4, 3]);
    expect(Array.from(scatterRuns(x, view([3, 4, 5], [1, 15, 3]), 'float32', 2, idx2, iv2, src, view([3, 4, 3], [20, 5, 1]), 'add')))
      .toEqual(Array.from(scatterKernel(x, view([3, 4, 5], [1, 15, 3]), 'float32', 2, idx2, iv2, src, view([3, 4, 3], [20, 5, 1]), 'add')));
  });

  it('max-pool values and flat indices match a direct scan (ties keep the first, NaN wins)', () => {
    const [B, C, H, W] = [2, 3, 9, 7];
    const x = data(B * C * H * W, 43).map((v) => Math.round(v * 4) / 4); // plenty of ties
    x[10] = NaN;
    const a = { kernel: [3, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 2], ceilMode: false, out: [4, 2] };
    const r = maxPool2dForward({ data: x, offset: 0, shape: [B, C, H, W] }, a)!;
    expect(r.shape).toEqual([B, C, 4, 2]);
    let o = 0;
    for (let p = 0; p < B * C; p++) for (let oh = 0; oh < 4; oh++) for (let ow = 0; ow < 2; ow++, o++) {
      let best = -Infinity, bi = -1;
      for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) {
        const at = (oh * 2 + i) * W + ow * 2 + j * 2;
        const v = x[p * H * W + at]!;
        if (bi < 0 || (!Number.isNaN(best) && (v > best || Number.isNaN(v)))) { best = v; bi = at; }
      }
      expect(Object.is(r.values[o], best) || (Number.isNaN(r.values[o]!) && Number.isNaN(best))).toBe(true);
      expect(r.indices[o]).toBe(bi);
    }
    expect(maxPool2dForward({ data: x, offset: 0, shape: [B, C, H, W] }, { ...a, padding: [1, 1] })).toBeNull();
  });
});

describe('transposed convolution as a convolution with flipped weights (stride 1)', () => {
  interface Case { B: number; Cin: number; Cout: number; Sh: number; Sw: number; kh: number; kw: number; s: [number, number]; p: [number, number]; d: [number, number]; op?: [number, number]; bias: boolean }
  const attrs = (c: Case) => ({ stride: c.s, padding: c.p, dilation: c.d, groups: 1, outputPadding: c.op ?? [0, 0] });

  /** out[b, co, y·s − p + i·d, x·s − p + j·d] += x[b, ci, y, x] · w[ci, co, i, j] (+ bias), in double precision. */
  function reference(c: Case, x: Float32Array, xOff: number, w: Float32Array, bias: Float32Array | null, outH: number, outW: number): Float64Array {
    const out = new Float64Array(c.B * c.Cout * outH * outW);
    for (let b = 0; b < c.B; b++) for (let ci = 0; ci < c.Cin; ci++) for (let y = 0; y < c.Sh; y++) for (let xx = 0; xx < c.Sw; xx++) {
      const v = x[xOff + ((b * c.Cin + ci) * c.Sh + y) * c.Sw + xx]!;
      for (let co = 0; co < c.Cout; co++) for (let i = 0; i < c.kh; i++) for (let j = 0; j < c.kw; j++) {
        const oh = y * c.s[0] - c.p[0] + i * c.d[0];
        const ow = xx * c.s[1] - c.p[1] + j * c.d[1];
        if (oh < 0 || oh >= outH || ow < 0 || ow >= outW) continue;
        const o = ((b * c.Cout + co) * outH + oh) * outW + ow;
        out[o] = out[o]! + v * w[((ci * c.Cout + co) * c.kh + i) * c.kw + j]!;
      }
    }
    if (bias) for (let o = 0; o < out.length; o++) out[o] = out[o]! + bias[Math.floor(o / (outH * outW)) % c.Cout]!;
    return out;
  }

  // Cin ≤ Cout: the flipped route; padding 0 / 1 / the largest allowed (dilation·(k − 1)), dilation 2,
  // non-square kernels, odd sizes, batch 1 and 3, with and without bias
  const flipped: Case[] = [
    { B: 1, Cin: 3, Cout: 5, Sh: 7, Sw: 9, kh: 3, kw: 3, s: [1, 1], p: [0, 0], d: [1, 1], bias: false },
    { B: 3, Cin: 4, Cout: 6, Sh: 5, Sw: 8, kh: 3, kw: 2, s: [1, 1], p: [1, 1], d: [1, 1], bias: true },
    { B: 3, Cin: 2, Cout: 7, Sh: 9, Sw: 6, kh: 2, kw: 3, s: [1, 1], p: [1, 0], d: [2, 2], bias: true },
    { B: 1, Cin: 5, Cout: 5, Sh: 11, Sw: 9, kh: 1, kw: 3, s: [1, 1], p: [0, 4], d: [2, 2], bias: false },
    { B: 3, Cin: 1, Cout: 3, Sh: 13, Sw: 13, kh: 5, kw: 4, s: [1, 1], p: [2, 3], d: [1, 1], bias: true },
    // big enough for the thread pool and K = Cin·kh·kw = 288 > one K-block
    { B: 5, Cin: 32, Cout: 40, Sh: 12, Sw: 11, kh: 3, kw: 3, s: [1, 1], p: [1, 0], d: [1, 1], bias: true },
  ];
  // the col2im route: stride 2, output padding, padding > dilation·(k − 1), Cin > Cout
  const kept: Case[] = [
    { B: 3, Cin: 3, Cout: 5, Sh: 5, Sw: 6, kh: 3, kw: 3, s: [2, 2], p: [1, 0], d: [1, 1], bias: true },
    { B: 1, Cin: 2, Cout: 4, Sh: 6, Sw: 5, kh: 3, kw: 2, s: [1, 1], p: [0, 0], d: [2, 2], op: [1, 0], bias: false },
    { B: 2, Cin: 2, Cout: 3, Sh: 7, Sw: 7, kh: 3, kw: 3, s: [1, 1], p: [3, 1], d: [1, 1], bias: true },
    { B: 3, Cin: 9, Cout: 4, Sh: 6, Sw: 7, kh: 3, kw: 3, s: [1, 1], p: [1, 1], d: [1, 1], bias: true },
  ];
  const cases = [...flipped.map((c) => [true, c] as const), ...kept.map((c) => [false, c] as const)];

  it.each(cases.map(([f, c], i) => [i, f, c] as const))('case %i (flipped: %s) equals the direct loops', (_i, isFlipped, c) => {
    const outH = (c.Sh - 1) * c.s[0] - 2 * c.p[0] + c.d[0] * (c.kh - 1) + (c.op?.[0] ?? 0) + 1;
    const outW = (c.Sw - 1) * c.s[1] - 2 * c.p[1] + c.d[1] * (c.kw - 1) + (c.op?.[1] ?? 0) + 1;
    const x = data(c.B * c.Cin * c.Sh * c.Sw + 5, 51); // offset 5: the view offset is honoured
    const w = data(c.Cin * c.Cout * c.kh * c.kw + 2, 52).subarray(2); // a weight view into a larger buffer
    const bias = c.bias ? data(c.Cout, 53) : null;
    const xShape = [c.B, c.Cin, c.Sh, c.Sw];
    const wShape = [c.Cin, c.Cout, c.kh, c.kw];
    expect(transposeAsConv(xShape, wShape, attrs(c)) !== null).toBe(isFlipped);
    const got = convTranspose2d({ data: x, offset: 5, shape: xShape }, { data: w, offset: 0, shape: wShape }, bias && { data: bias, offset: 0, shape: [c.Cout] }, attrs(c))!;
    expect(got.shape).toEqual([c.B, c.Cout, outH, outW]);
    const want = reference(c, x, 5, w, bias, outH, outW);
    const tol = 1e-5 * (c.Cin * c.kh * c.kw + 8);
    expect(got.data.length).toBe(want.length);
    for (let i = 0; i < want.length; i++) if (Math.abs(got.data[i]! - want[i]!) > tol) expect.fail(`element ${i}: ${got.data[i]} vs ${want[i]}`);
  });

  it('maps the attributes: padding′ = dilation·(k − 1) − padding, stride 1, same dilation', () => {
    const a = { stride: [1, 1], padding: [1, 0], dilation: [2, 1], groups: 1, outputPadding: [0, 0] };
    expect(transposeAsConv([2, 4, 9, 9], [4, 8, 3, 5], a)).toEqual({ stride: [1, 1], padding: [3, 4], dilation: [2, 1], groups: 1 });
  });
});

describe('wasm GEMM with B packed in WebAssembly (transposed B, the layout of `x @ Wᵀ`)', () => {
  it('odd sizes (1, 3, 17) and a product split across threads', () => {
    let seed = 61;
    for (const M of [1, 3, 17]) for (const K of [1, 3, 17]) for (const N of [1, 3, 17]) {
      const a = dense([M, K], seed++);
      const bt = data(N * K, seed++); // B stored as [N, K]
      expectMatchesReference(a.d, a.v, bt, view([K, N], [1, K]), [M, N]);
    }
    const [M, K, N] = [203, 517, 131]; // several K-blocks, ragged panels
    const a = dense([M, K], seed++);
    expectMatchesReference(a.d, a.v, data(N * K, seed++), view([K, N], [1, K]), [M, N]);
  });

  it('negative, zero and gapped strides, with offsets', () => {
    const [M, K, N] = [13, 21, 11];
    const a = dense([M, K], 71);
    const bt = data(N * K + 9, 72);
    // k reversed (negative stride along k), then n reversed too
    expectMatchesReference(a.d, a.v, bt, view([K, N], [-1, K], K - 1), [M, N]);
    expectMatchesReference(a.d, a.v, bt, view([K, N], [-1, -K], N * K - 1), [M, N]);
    // a row vector expanded down k (stride 0), and a single element expanded to K × N
    expectMatchesReference(a.d, a.v, bt, view([K, N], [0, 1], 4), [M, N]);
    expectMatchesReference(a.d, a.v, bt, view([K, N], [0, 0], 7), [M, N]);
    // columns with a gap (span < 2·K·N: copied and packed in WebAssembly) and with a wide gap (JS packer)
    const wide = data(3 * N * K + 9, 73);
    expectMatchesReference(a.d, a.v, wide, view([K, N], [1, K + 2], 9), [M, N]);
    expectMatchesReference(a.d, a.v, wide, view([K, N], [1, 3 * K], 9), [M, N]);
  });

  it('batches of transposed B: distinct, broadcast (stride 0) and shared (folded into M)', () => {
    const [B, M, K, N] = [3, 7, 17, 9];
    const a = dense([B, M, K], 81);
    const bt = data(B * N * K, 82);
    expectMatchesReference(a.d, a.v, bt, view([B, K, N], [N * K, 1, K]), [B, M, N]);
    expectMatchesReference(a.d, a.v, bt, view([B, K, N], [0, 1, K], N * K), [B, M, N]);
    // [2, 1, M, K] @ [1, 3, K, N]: distinct B per broadcast column, A repeated across it
    const a2 = data(2 * M * K, 83);
    expectMatchesReference(a2, view([2, 3, M, K], [M * K, 0, K, 1]), bt, view([2, 3, K, N], [0, N * K, 1, K]), [2, 3, M, N]);
  });
});
