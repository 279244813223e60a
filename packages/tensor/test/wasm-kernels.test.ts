/**
 * The WebAssembly elementwise ("map"), max-pool, sum and matmul-output kernels against the
 * TypeScript reference:
 * bit-identical results on sizes around the staging threshold and the SIMD tails, operands with
 * offsets, special values (NaN, ±0, ±Inf), one and two threads, and the scalar rule (a scalar that
 * is not a float32 value keeps the reference's double-precision path).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { getNumThreads, setNumThreads } from '../src/index.js';
import { contiguousStrides, type View } from '../src/shape.js';
import { binaryF32, binaryScalarF32, thresholdBackwardF32, unaryF32 } from '../src/backend/cpu/fast/elementwise.js';
import { binaryKernel, unaryKernel } from '../src/backend/cpu/elementwise.js';
import { MIN_STAGED, stagedMap } from '../src/backend/cpu/wasm/map.js';
import { maxPool2dBackward, maxPool2dForward } from '../src/backend/cpu/fast/pool.js';
import { reduceF32 } from '../src/backend/cpu/fast/reduce.js';
import { reduceKernel } from '../src/backend/cpu/reduce.js';
import { matmulKernel } from '../src/backend/cpu/matmul.js';
import { wasmMatmulF32 } from '../src/backend/cpu/wasm/matmul.js';
import { isResident, takeF32 } from '../src/backend/cpu/array-pool.js';
import { softmaxF32 } from '../src/backend/cpu/fast/softmax.js';
import { linearF32 } from '../src/backend/cpu/fast/linear.js';
import { platformReady } from '../src/threads/num-threads.js';
import { setWasmKernelsEnabled, wasmRuntime } from '../src/backend/cpu/wasm/runtime.js';

/** Deterministic values in [-1, 1) with special values sprinkled in. */
function data(n: number, seed: number, specials = true): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    out[i] = ((s >>> 0) / 2 ** 32) * 2 - 1;
  }
  if (specials) [NaN, -0, 0, Infinity, -Infinity, NaN, 1e-45, -3.4e38].forEach((v, k) => (out[(k * 977 + seed) % n] = v));
  return out;
}
const view = (n: number, offset = 0): View => ({ shape: [n], strides: contiguousStrides([n]), offset });
const bits = (x: ArrayLike<number>) => Array.from(x, (v) => (Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : v));

const SIZES = [MIN_STAGED, MIN_STAGED + 3, 10007, 65537];
const threadsBefore = getNumThreads();
afterAll(() => setNumThreads(threadsBefore));

describe('staged WebAssembly maps equal the reference kernels bit for bit', () => {
  it('the kernels exist (SIMD available on this engine)', () => {
    expect(wasmRuntime()).not.toBeNull();
  });

  it('relu (NaN stays NaN, -0 and -Inf give +0)', () => {
    for (const n of SIZES) {
      const x = data(n + 5, n);
      expect(bits(unaryF32('relu', x, view(n, 5)))).toEqual(bits(unaryKernel('relu', x, view(n, 5), 'float32')));
    }
  });

  it('add, sub, mul, div, maximum, minimum of same-shape operands with offsets', () => {
    for (const n of SIZES) {
      const a = data(n + 1, 2 * n), b = data(n + 7, 3 * n + 1);
      b[11] = 0; b[12] = -0; // x / ±0
      for (const op of ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as const) {
        const fast = binaryF32(op, a, view(n, 1), b, view(n, 7), [n])!;
        expect(bits(fast), `${op} n=${n}`).toEqual(bits(binaryKernel(op, a, view(n, 1), b, view(n, 7), [n], 'float32', false)));
      }
    }
  });

  it('tensor ⊕ scalar, both sides; a scalar that is not a float32 value keeps the double-precision path', () => {
    const n = 10007;
    const a = data(n, 5);
    for (const y of [0.5, -3, 0.1, 1 / 3, 1e-50]) {
      for (const op of ['add', 'sub', 'mul', 'div'] as const) {
        for (const left of [false, true]) {
          const fast = binaryScalarF32(op, a, view(n), y, [n], left)!;
          const yArr = new Float64Array([y]);
          const yView: View = { shape: [n], strides: [0], offset: 0 };
          const ref = left ? binaryKernel(op, yArr, yView, a, view(n), [n], 'float32', false) : binaryKernel(op, a, view(n), yArr, yView, [n], 'float32', false);
          expect(bits(fast), `${op} y=${y} left=${left}`).toEqual(bits(ref));
        }
      }
    }
  });

  it('threshold backward: g where y > threshold, else +0', () => {
    for (const n of SIZES) {
      const g = data(n + 2, 7 * n), y = data(n + 9, 11 * n);
      for (const t of [0, 0.25]) {
        const fast = thresholdBackwardF32({ data: g, offset: 2, shape: [n] }, { data: y, offset: 9 }, t).data;
        const ref = Array.from({ length: n }, (_, i) => (y[9 + i]! > t ? g[2 + i]! : 0));
        expect(bits(fast)).toEqual(bits(ref));
      }
    }
  });

  it('SGD updates round like the composed float32 update (in place, with weight decay)', () => {
    const n = 10007;
    const p = data(n, 21, false), g = data(n, 22, false);
    const f = Math.fround;
    const [lr, wd] = [f(0.01), f(1e-4)];
    const plain = p.slice();
    expect(stagedMap('sgd', [{ data: plain, offset: 0 }, { data: g, offset: 0 }], n, [lr], plain)).toBe(true);
    expect(bits(plain)).toEqual(bits(p.map((v, i) => v - f(lr * g[i]!))));
    const decayed = p.slice();
    expect(stagedMap('sgdWeightDecay', [{ data: decayed, offset: 0 }, { data: g, offset: 0 }], n, [lr, -1, wd], decayed)).toBe(true);
    expect(bits(decayed)).toEqual(bits(p.map((v, i) => v - f(lr * f(-g[i]! + f(wd * v))))));
  });

  it('large maps split across two threads give the same bits as one', async () => {
    await platformReady;
    const pool = wasmRuntime()!.pool!;
    await pool.warmUp(2);
    expect(pool.readyCount()).toBeGreaterThanOrEqual(1); // a second thread really takes a share
    const n = 6_000_001; // above the map's threading threshold
    const a = data(n, 9), b = data(n, 10);
    setNumThreads(1);
    const one = binaryF32('mul', a, view(n), b, view(n), [n])!.slice();
    setNumThreads(2);
    const two = binaryF32('mul', a, view(n), b, view(n), [n])!;
    setNumThreads(threadsBefore);
    expect(bits(two.subarray(n - 9))).toEqual(bits(one.subarray(n - 9)));
    expect(two.every((v, i) => Object.is(v, one[i]) || (v !== v && one[i] !== one[i]))).toBe(true);
  });
});

/** Direct scan: PyTorch's rule (first maximum wins, the first NaN wins and stays). */
function scanPool(x: Float32Array, shape: number[], k: number[], s: number[], d: number[]) {
  const [B, C, H, W] = shape as [number, number, number, number];
  const [kh, kw] = k as [number, number], [sh, sw] = s as [number, number], [dh, dw] = d as [number, number];
  const OH = Math.floor((H - dh * (kh - 1) - 1) / sh) + 1, OW = Math.floor((W - dw * (kw - 1) - 1) / sw) + 1;
  const values: number[] = [], indices: number[] = [];
  for (let p = 0; p < B * C; p++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    let best = NaN, bi = -1;
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
      const at = (oh * sh + i * dh) * W + ow * sw + j * dw;
      const v = x[p * H * W + at]!;
      if (bi < 0 || (!Number.isNaN(best) && (v > best || Number.isNaN(v)))) { best = v; bi = at; }
    }
    values.push(best); indices.push(bi);
  }
  return { values, indices, out: [OH, OW] };
}

describe('max-pool kernels in WebAssembly', () => {
  const cases: { shape: number[]; k: number[]; s: number[]; d: number[] }[] = [
    { shape: [2, 3, 8, 8], k: [2, 2], s: [2, 2], d: [1, 1] }, // the 2×2 SIMD kernel, OW a multiple of 4
    { shape: [3, 2, 9, 13], k: [2, 2], s: [2, 2], d: [1, 1] }, // OW = 6: a SIMD block and a scalar tail, odd H and W
    { shape: [1, 1, 2, 2], k: [2, 2], s: [2, 2], d: [1, 1] }, // one window
    { shape: [64, 4, 24, 24], k: [2, 2], s: [2, 2], d: [1, 1] }, // the CNN's layout, split across threads
    { shape: [2, 3, 9, 7], k: [3, 2], s: [2, 1], d: [1, 2] }, // the generic kernel
    { shape: [2, 2, 7, 7], k: [2, 2], s: [1, 1], d: [1, 1] }, // overlapping windows
  ];
  it.each(cases)('forward values and flat indices match a direct scan: $shape k=$k s=$s d=$d', ({ shape, k, s, d }) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const x = data(n, n).map((v) => Math.round(v * 4) / 4); // plenty of ties
    x[3] = NaN; x[Math.min(n - 1, 17)] = -Infinity;
    const ref = scanPool(x, shape, k, s, d);
    const r = maxPool2dForward({ data: x, offset: 0, shape }, { kernel: k, stride: s, padding: [0, 0], dilation: d, ceilMode: false, out: ref.out })!;
    expect(bits(r.values)).toEqual(bits(ref.values));
    expect(Array.from(r.indices)).toEqual(ref.indices);
    // the JavaScript fallback agrees too
    setWasmKernelsEnabled(false);
    try {
      const js = maxPool2dForward({ data: x, offset: 0, shape }, { kernel: k, stride: s, padding: [0, 0], dilation: d, ceilMode: false, out: ref.out })!;
      expect(bits(js.values)).toEqual(bits(ref.values));
      expect(Array.from(js.indices)).toEqual(ref.indices);
    } finally {
      setWasmKernelsEnabled(true);
    }
  });

  it('backward adds each output gradient at its arg-max (overlapping windows accumulate) and zeroes the rest', () => {
    for (const { shape, k, s, d } of cases) {
      const n = shape.reduce((a, b) => a * b, 1);
      const x = data(n, n + 1, false);
      const ref = scanPool(x, shape, k, s, d);
      const [B, C, H, W] = shape as [number, number, number, number];
      const L = ref.out[0]! * ref.out[1]!;
      const g = data(B * C * L + 3, 5, false);
      const r = maxPool2dBackward({ data: g, offset: 3, shape: [B, C, ...ref.out] }, { data: Int32Array.from([0, ...ref.indices]), offset: 1 }, shape)!;
      const expected = new Float32Array(n);
      for (let p = 0; p < B * C; p++) for (let t = 0; t < L; t++) { const at = p * H * W + ref.indices[p * L + t]!; expected[at] = expected[at]! + g[3 + p * L + t]!; }
      expect(r.shape).toEqual(shape);
      expect(bits(r.data)).toEqual(bits(expected));
    }
  });
});

describe('sums and extrema of dense views in WebAssembly (run results folded in JavaScript)', () => {
  const cases: { shape: number[]; axes: number[]; offset?: number }[] = [
    { shape: [64, 4, 24, 24], axes: [0, 2, 3] }, // a conv bias gradient
    { shape: [300, 50], axes: [1], offset: 3 }, // row sums, runs not 16-byte aligned
    { shape: [5003], axes: [0] }, // everything, with a scalar tail
    { shape: [7, 600, 3], axes: [1, 2] }, // the reduced dims coalesce into runs of 1800
    { shape: [40, 33, 17], axes: [0, 2] }, // runs of 17 (one vector loop pass and a tail)
  ];
  it.each(cases)('sum, max and min of $shape over $axes equal the reference', ({ shape, axes, offset = 0 }) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const x = data(n + offset, n, false);
    const v: View = { shape, strides: contiguousStrides(shape), offset };
    for (const op of ['sum', 'max', 'min'] as const) {
      const fast = reduceF32(op, x, v, axes)!;
      const ref = reduceKernel(op, x, v, axes, 'float32');
      expect(fast.length).toBe(ref.length);
      // sums: both accumulate in double, only the order of additions differs; extrema are exact
      const tol = op === 'sum' ? 1e-6 : 0;
      for (let i = 0; i < ref.length; i++) expect(Math.abs(fast[i]! - ref[i]!), `${op} ${i}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(ref[i]!)));
    }
  });

  it('NaN and Inf propagate like the reference', () => {
    const n = 8192;
    const x = data(n, 3, false);
    x[100] = NaN; x[5000] = Infinity; x[7000] = -Infinity; x[2100] = NaN;
    const v: View = { shape: [4, 2048], strides: [2048, 1], offset: 0 };
    for (const op of ['sum', 'max', 'min'] as const) expect(bits(reduceF32(op, x, v, [1])!), op).toEqual(bits(reduceKernel(op, x, v, [1], 'float32')));
  });
});

describe('matmul results written in place (resident output, no padding)', () => {
  const cases: { a: number[]; b: number[]; bT?: boolean }[] = [
    { a: [64, 784], b: [784, 128] }, // an MLP layer: rows a multiple of 4, N of 8
    { a: [128, 64], b: [64, 784], bT: true }, // a weight gradient, B read transposed
    { a: [3, 8, 64], b: [3, 64, 48] }, // a batch of distinct products
    { a: [40, 4, 12], b: [12, 8] }, // a batch folded into the rows (shared B)
  ];
  it.each(cases)('$a @ $b equals the reference', ({ a, b, bT }) => {
    const na = a.reduce((x, y) => x * y, 1), nb = b.reduce((x, y) => x * y, 1);
    const A = takeF32(na), B = takeF32(nb); // resident, as tensors' storage is
    A.set(data(na, 1, false));
    B.set(data(nb, 2, false));
    const av: View = { shape: a, strides: contiguousStrides(a), offset: 0 };
    const [K, N] = [b[b.length - 2]!, b[b.length - 1]!];
    const bs = bT ? [...b.slice(0, -2), K, N] : b;
    // a transposed B: storage [N, K], viewed as [K, N]
    const bv: View = bT ? { shape: bs, strides: [1, K], offset: 0 } : { shape: b, strides: contiguousStrides(b), offset: 0 };
    const batch = a.length === 3 ? [a[0]!] : [];
    const outShape = [...batch, a[a.length - 2]!, N];
    const bvB = b.length === 2 && batch.length ? { shape: [...batch, K, N], strides: [0, ...bv.strides], offset: 0 } : bv;
    const fast = wasmMatmulF32(A, av, B, bvB, outShape)!;
    expect(isResident(fast)).toBe(true);
    const ref = matmulKernel(A, av, B, bvB, outShape, 'float32') as Float32Array;
    for (let i = 0; i < ref.length; i++) if (Math.abs(fast[i]! - ref[i]!) > 1e-4 * (K + 8) * 1e-2) expect.fail(`element ${i}: ${fast[i]} vs ${ref[i]}`);
  });
});

/** Distance in float32 ulps (at the magnitude of `ref`). */
function ulps(got: number, ref: number): number {
  const f = new Float32Array([Math.abs(ref)]);
  const i = new Int32Array(f.buffer);
  i[0]! += 1;
  return Math.abs(got - ref) / (f[0]! - Math.abs(ref));
}

describe('SIMD exp and row softmax', () => {
  it('exp is within 1 ulp of the correctly rounded result over the whole float32 range, specials exact', () => {
    const n = (1 << 16) + 3; // a tail after the last vector
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = -110 + (200 * i) / n; // overflow, normal, subnormal and underflow results
    const specials = [NaN, Infinity, -Infinity, 0, -0, 88.72, 88.73, -87.5, -103.5, 1e-30];
    specials.forEach((v, k) => (x[k] = v));
    const y = unaryF32('exp', x, view(n));
    for (let i = 0; i < n; i++) {
      const ref = Math.fround(Math.exp(x[i]!));
      if (Number.isNaN(ref)) expect(y[i]).toBeNaN();
      else if (ref === 0 || !Number.isFinite(ref)) expect(y[i], `exp(${x[i]})`).toBe(ref);
      else if (ulps(y[i]!, ref) > 1) expect.fail(`exp(${x[i]}) = ${y[i]}, correctly rounded ${ref}`);
    }
  });

  const rowsOf = (rows: number, len: number, seed: number) => {
    const x = data(rows * len + 5, seed, false).map((v) => v * 20);
    return x;
  };
  /** softmax / logSoftmax of one row in double precision. */
  function refRow(row: ArrayLike<number>, log: boolean): number[] {
    const m = Math.max(...Array.from(row));
    if (!Number.isFinite(m)) return Array.from(row, () => NaN);
    const s = Array.from(row).reduce((a, v) => a + Math.exp(v - m), 0);
    return Array.from(row, (v) => (log ? v - m - Math.log(s) : Math.exp(v - m) / s));
  }
  it.each([[64, 1024], [500, 10], [4096, 1], [3, 4099]])('softmax and logSoftmax of %i rows × %i match double precision', (rows, len) => {
    const x = rowsOf(rows, len, rows + len);
    x[5 + len * 1 + 2] = -Infinity; // row 1: one zero probability
    if (rows > 2) x[5 + len * 2] = NaN; // row 2: NaN row
    if (rows > 3) x[5 + len * 3 + 1] = Infinity; // row 3: infinite max → NaN row, as the reference
    for (const log of [false, true]) {
      const r = softmaxF32({ data: x, offset: 5, shape: [rows, len] }, -1, log);
      expect(r.shape).toEqual([rows, len]);
      for (let i = 0; i < rows; i++) {
        const want = refRow(x.subarray(5 + i * len, 5 + (i + 1) * len), log);
        for (let j = 0; j < len; j++) {
          const got = r.data[i * len + j]!, w = want[j]!;
          if (Number.isNaN(w)) { expect(got, `row ${i}`).toBeNaN(); continue; }
          if (!(Math.abs(got - w) <= 1e-6 * Math.max(1, Math.abs(w)) || got === w)) expect.fail(`${log ? 'log' : ''}softmax row ${i} col ${j}: ${got} vs ${w}`);
        }
      }
    }
  });
});

describe('linear as one GEMM onto the bias rows', () => {
  it.each([
    [[64, 784], 128, true], // accumulated onto the bias in place (rows a multiple of 4, out of 8)
    [[5, 3, 10], 7, true], // padded: product copied out, then the bias added
    [[64, 784], 128, false],
    [[3], 8, true], // a 1-D input
  ] as const)('x %j, %i outputs, bias %s, equals x Wᵀ + b in double precision', (xs, outF, withBias) => {
    const inF = xs[xs.length - 1]!;
    const rows = xs.reduce((a, b) => a * b, 1) / inF;
    const x = takeF32(rows * inF), w = takeF32(outF * inF), b = takeF32(outF + 2);
    x.set(data(x.length, 7, false)); w.set(data(w.length, 8, false)); b.set(data(b.length, 9, false));
    const r = linearF32({ data: x, offset: 0, shape: [...xs] }, { data: w, offset: 0, shape: [outF, inF] }, withBias ? { data: b, offset: 2, shape: [outF] } : null)!;
    expect(r.shape).toEqual([...xs.slice(0, -1), outF]);
    for (let i = 0; i < rows; i++) for (let o = 0; o < outF; o++) {
      let want = withBias ? b[2 + o]! : 0;
      for (let k = 0; k < inF; k++) want += x[i * inF + k]! * w[o * inF + k]!;
      const got = r.data[i * outF + o]!;
      if (Math.abs(got - want) > 1e-5 * (inF + 8)) expect.fail(`[${i}, ${o}]: ${got} vs ${want}`);
    }
  });
});
