/**
 * Checks of @kiln/backend-webgpu's fast kernels (`?fast=1` on webgpu-check.html): the tiled vec4
 * matmul, the workgroup-tree reductions and the fused softmax / logSoftmax / maxPool2d /
 * avgPool2d overrides. Every case runs the same op on 'webgpu' and on 'cpu' (the oracle) and
 * compares the results elementwise (NaN must meet NaN, ±Inf must match exactly); gradients go
 * through autograd on both devices. One extra entry times a 1024×1024 matmul on the adapter.
 * @packageDocumentation
 */
import { backendOf, fromTypedArray, getDevice, manualSeed, rand, randn, type Tensor } from '@kiln/tensor';
import { avgPool2d, logSoftmax, maxPool2d, softmax, type AvgPoolOptions, type IntOrTuple, type MaxPoolOptions } from '@kiln/functional';

/** One check's outcome, as the page reports it. */
export interface FastKernelCheck {
  name: string;
  ok: boolean;
  detail: string;
}

type Dev = 'cpu' | 'webgpu';
/** A case builds its outputs on the device it is given, from CPU inputs moved there. */
type Case = [name: string, run: (dev: Dev) => Tensor | Tensor[], tol?: Tol];
/** Tolerance: |got - want| <= atol + rtol·|want| (scale, when given, replaces |want|). */
interface Tol { rtol: number; atol: number; scale?: (dev: Dev) => Tensor }

const F32: Tol = { rtol: 1e-5, atol: 1e-6 };

/** The first mismatch between two result arrays, or null. */
function mismatch(got: ArrayLike<number>, want: ArrayLike<number>, tol: Tol, scale: ArrayLike<number> | null): string | null {
  if (got.length !== want.length) return `length ${got.length} ≠ ${want.length}`;
  for (let i = 0; i < got.length; i++) {
    const g = got[i]!, w = want[i]!;
    if (Number.isNaN(w) || Number.isNaN(g)) {
      if (Number.isNaN(w) !== Number.isNaN(g)) return `index ${i}: got ${g}, want ${w}`;
      continue;
    }
    if (!Number.isFinite(w) || !Number.isFinite(g)) {
      if (g !== w) return `index ${i}: got ${g}, want ${w}`;
      continue;
    }
    const s = scale ? Math.abs(scale[i]!) : Math.abs(w);
    if (!(Math.abs(g - w) <= tol.atol + tol.rtol * s)) return `index ${i}: got ${g}, want ${w} (|diff| ${Math.abs(g - w).toExponential(2)})`;
  }
  return null;
}

async function runCase([name, run, tol = F32]: Case): Promise<FastKernelCheck> {
  try {
    const want = [run('cpu')].flat();
    const got = [run('webgpu')].flat();
    if (got.length !== want.length) return { name, ok: false, detail: `${got.length} outputs, want ${want.length}` };
    const scale = tol.scale ? await tol.scale('cpu').data() : null;
    const parts: string[] = [];
    for (let k = 0; k < want.length; k++) {
      if (got[k]!.device.type !== 'webgpu') return { name, ok: false, detail: `output ${k} is on ${got[k]!.device}, not webgpu` };
      if (got[k]!.shape.join() !== want[k]!.shape.join()) return { name, ok: false, detail: `output ${k}: shape [${got[k]!.shape}] ≠ [${want[k]!.shape}]` };
      if (got[k]!.dtype !== want[k]!.dtype) return { name, ok: false, detail: `output ${k}: dtype ${got[k]!.dtype} ≠ ${want[k]!.dtype}` };
      const m = mismatch(await got[k]!.data(), await want[k]!.data(), tol, scale);
      if (m) return { name, ok: false, detail: `output ${k}: ${m}` };
      parts.push(`[${want[k]!.shape}] ${want[k]!.dtype}`);
    }
    return { name, ok: true, detail: parts.join(', ') };
  } catch (e) {
    return { name, ok: false, detail: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

/** A float32 tensor from a generator of values (for NaN/Inf/ties placed on purpose). */
function f32(shape: number[], at: (i: number) => number): Tensor {
  const n = shape.reduce((p, c) => p * c, 1);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = at(i);
  return fromTypedArray(a, shape);
}

/** Cases comparing A@B on both devices; tolerance scaled by |A|@|B| (the float32 error bound). */
function matmulCases(): Case[] {
  const cases: Case[] = [];
  const mm = (name: string, a: Tensor, b: Tensor, prep: (a: Tensor, b: Tensor) => [Tensor, Tensor] = (x, y) => [x, y]) => {
    const tol: Tol = { rtol: 1e-5, atol: 1e-6, scale: (dev) => { const [x, y] = prep(a.to(dev).abs(), b.to(dev).abs()); return x.matmul(y); } };
    cases.push([`matmul ${name}`, (dev) => { const [x, y] = prep(a.to(dev), b.to(dev)); return x.matmul(y); }, tol]);
  };
  for (const n of [1, 3, 17, 64, 130, 1023]) mm(`${n}×${n}·${n}×${n}`, randn(n, n), randn(n, n));
  for (const [m, k, n] of [[1, 1023, 3], [3, 17, 1023], [130, 1023, 17], [17, 64, 130], [65, 7, 33], [64, 128, 256], [130, 132, 68], [5, 4, 8]] as const) {
    mm(`${m}×${k}·${k}×${n}`, randn(m, k), randn(k, n));
  }
  // transposed operands (contiguous along the other axis), sliced views with odd offsets
  mm('Aᵀ·B 130×67·67×33', randn(67, 130), randn(67, 33), (a, b) => [a.t(), b]);
  mm('A·Bᵀ 17×1023·1023×3', randn(17, 1023), randn(3, 1023), (a, b) => [a, b.t()]);
  mm('Aᵀ·Bᵀ 64×128·128×68', randn(128, 64), randn(68, 128), (a, b) => [a.t(), b.t()]);
  mm('sliced 20×33·33×17', randn(20, 40), randn(33, 50), (a, b) => [a.narrow(1, 3, 33), b.narrow(1, 1, 17)]);
  mm('sliced aligned 16×64·64×64', randn(16, 72), randn(64, 72), (a, b) => [a.narrow(1, 4, 64), b.narrow(1, 8, 64)]);
  mm('strided rows and columns 9×12·12×10', randn(18, 12), randn(12, 20), (a, b) => [a.reshape([9, 2, 12]).select(1, 1), b.reshape([12, 10, 2]).select(2, 0)]);
  // batched, broadcast batch (stride-0 views) and matrix-vector
  mm('batched 5×17×33·5×33×19', randn(5, 17, 33), randn(5, 33, 19));
  mm('batched aligned 3×64×68·3×68×72', randn(3, 64, 68), randn(3, 68, 72));
  mm('broadcast batch 3×1×17×20·1×2×20×9', randn(3, 1, 17, 20), randn(1, 2, 20, 9));
  mm('batch·matrix 4×64×64·64×64', randn(4, 64, 64), randn(64, 64));
  mm('batched transposed 2×33×17ᵀ·2×33×8', randn(2, 33, 17), randn(2, 33, 8), (a, b) => [a.transpose(1, 2), b]);
  mm('matrix·vector 7×1023·1023', randn(7, 1023), randn(1023));
  const ia = f32([19, 23], () => Math.floor(Math.random() * 7) - 3).int();
  const ib = f32([23, 29], () => Math.floor(Math.random() * 5) - 2).int();
  cases.push(['matmul int32 19×23·23×29', (dev) => ia.to(dev).matmul(ib.to(dev)), { rtol: 0, atol: 0 }]);
  return cases;
}

/** Large and small reductions, with ties and NaN, against the CPU backend. */
function reduceCases(): Case[] {
  const big = rand(1 << 20);
  const bigN = randn(1 << 20);
  const absSum = (x: Tensor): Tol => ({ rtol: 1e-6, atol: 1e-6, scale: (dev) => x.to(dev).abs().sum() });
  const tall = randn(60000, 10);
  const wide = randn(10, 100000);
  const ties = f32([60000, 10], () => Math.floor(Math.random() * 5));
  const nanBig = f32([1 << 20], (i) => (i === 777_777 ? NaN : i === 5 ? 1e30 : Math.random()));
  const nanCols = f32([30000, 6], (i) => (i === 6 * 20000 + 2 || i === 6 * 29999 + 4 ? NaN : i % 6 === 3 && i > 6000 ? Infinity : Math.random() - 0.5));
  const infs = f32([1 << 18], (i) => (i === 1000 ? Infinity : i === 2000 ? -Infinity : 1));
  const cube = randn(8, 300, 9);
  const ints = f32([1 << 20], () => Math.floor(Math.random() * 100) - 50).int();
  const near1 = f32([4096], () => 1 + (Math.random() - 0.5) * 1e-3);
  return [
    ['sum of 2^20 uniform', (d) => big.to(d).sum(), absSum(big)],
    ['sum of 2^20 normal', (d) => bigN.to(d).sum(), absSum(bigN)],
    ['mean of 2^20 normal', (d) => bigN.to(d).mean(), { rtol: 1e-6, atol: 1e-6 }],
    ['sum dim 0 of [60000,10]', (d) => tall.to(d).sum(0), { rtol: 1e-6, atol: 1e-6, scale: (dev) => tall.to(dev).abs().sum(0) }],
    ['sum dim 1 of [10,100000]', (d) => wide.to(d).sum(1), { rtol: 1e-6, atol: 1e-6, scale: (dev) => wide.to(dev).abs().sum(1) }],
    ['sum dim 0 of a transposed [100000,10] view', (d) => wide.to(d).t().sum(0), { rtol: 1e-6, atol: 1e-6, scale: (dev) => wide.to(dev).abs().sum(1) }],
    ['sum dims (0,2) of [8,300,9]', (d) => cube.to(d).sum([0, 2]), { rtol: 1e-5, atol: 1e-5 }],
    ['sum dim 1 of [8,300,9]', (d) => cube.to(d).sum(1), { rtol: 1e-5, atol: 1e-5 }],
    ['sum with ±Inf → NaN', (d) => infs.to(d).sum()],
    ['sum with NaN', (d) => nanBig.to(d).sum()],
    ['int32 sum of 2^20', (d) => ints.to(d).sum(), { rtol: 0, atol: 0 }],
    ['bool count of 2^20', (d) => bigN.to(d).gt(0).sum(), { rtol: 0, atol: 0 }],
    // 4096 float32 roundings in a different order (a tree vs a loop): ~√4096·2⁻²⁴ typical, a few times that at worst
    ['prod of 4096 near 1', (d) => near1.to(d).prod(), { rtol: 1e-4, atol: 0 }],
    ['max/argmax of 2^20 (NaN first wins)', (d) => { const r = nanBig.to(d).max(0); return [r.values, r.indices]; }],
    ['max/argmax of 2^20 uniform', (d) => { const r = big.to(d).max(0); return [r.values, r.indices]; }],
    ['min/argmin of 2^20 normal', (d) => { const r = bigN.to(d).min(0); return [r.values, r.indices]; }],
    ['argmax/argmin ties (first index) dim 0 of [60000,10]', (d) => [ties.to(d).argmax(0), ties.to(d).argmin(0)], { rtol: 0, atol: 0 }],
    ['argmax ties of 600000', (d) => [ties.to(d).reshape([-1]).argmax(), ties.to(d).reshape([-1]).argmin()], { rtol: 0, atol: 0 }],
    ['amax/amin dim 0 with NaN and Inf', (d) => [nanCols.to(d).amax(0), nanCols.to(d).amin(0)]],
    ['max/argmax dim 0 with NaN', (d) => { const r = nanCols.to(d).max(0); return [r.values, r.indices]; }],
    ['int32 max/argmin of 2^20', (d) => [ints.to(d).max(), ints.to(d).argmin()], { rtol: 0, atol: 0 }],
    ['small: sum/max of [37,19] dim 1', (d) => { const x = cube.to(d).reshape([-1]).narrow(0, 0, 37 * 19).reshape([37, 19]); return [x.sum(1), x.amax(1), x.argmin(1)]; }],
  ];
}

/** softmax/logSoftmax forward and backward, max/avg pooling forward and backward. */
function nnCases(): Case[] {
  const cases: Case[] = [];
  const withGrad = (x: Tensor, dev: Dev, f: (x: Tensor) => Tensor, w: Tensor): Tensor[] => {
    const xi = x.to(dev).detach().requiresGrad_();
    const y = f(xi);
    y.mul(w.to(dev)).sum().backward();
    return [y.detach(), xi.grad!];
  };
  const sm: [string, Tensor, number][] = [
    ['[64,10] dim 1', randn(64, 10), 1],
    ['[7,1000] dim -1', randn(7, 1000).mul(5), -1],
    ['[2,5000] dim 1', randn(2, 5000).mul(3), 1],
    ['[5,300,3] dim 1', randn(5, 300, 3), 1],
    ['[3,4] dim 0', randn(3, 4), 0],
    ['[1,1] dim 1', randn(1, 1), 1],
    ['[6,257] dim 1 with -inf', f32([6, 257], (i) => (i % 7 === 0 ? -Infinity : Math.random() * 4)), 1],
  ];
  for (const [name, x, dim] of sm) {
    const w = randn(...x.shape);
    cases.push([`softmax ${name} (+grad)`, (d) => withGrad(x, d, (t) => softmax(t, dim), w)]);
    cases.push([`logSoftmax ${name} (+grad)`, (d) => withGrad(x, d, (t) => logSoftmax(t, dim), w)]);
  }
  const xt = randn(33, 20);
  cases.push(['softmax of a transposed view', (d) => softmax(xt.to(d).t(), 1)]);
  const special = f32([4, 5], (i) => [0, 1, 2, 3, 4, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity, 1, NaN, 2, 3, 4, Infinity, 1, 2, 3, 4][i]!);
  cases.push(['softmax/logSoftmax rows of -inf, NaN, +inf', (d) => [softmax(special.to(d), 1), logSoftmax(special.to(d), 1)]]);

  const img = randn(2, 3, 13, 11);
  const tiesImg = f32([2, 3, 9, 9], () => Math.floor(Math.random() * 3));
  const nanImg = f32([1, 2, 8, 8], (i) => (i === 9 || i === 70 ? NaN : Math.random()));
  const pools: [string, Tensor, IntOrTuple, MaxPoolOptions & { returnIndices?: false }][] = [
    ['k2', img, 2, {}],
    ['k3 s2 p1', img, 3, { stride: 2, padding: 1 }],
    ['k3 s1 dilation 2', img, 3, { stride: 1, dilation: 2 }],
    ['k3 s2 ceilMode', img, 3, { stride: 2, ceilMode: true }],
    ['k[2,3] s[1,2] p[1,1] ceilMode', img, [2, 3], { stride: [1, 2], padding: [1, 1], ceilMode: true }],
    ['ties k3 s2 p1', tiesImg, 3, { stride: 2, padding: 1 }],
    ['NaN k2', nanImg, 2, {}],
    ['unbatched [3,13,11] k2', img.select(0, 1), 2, {}],
  ];
  for (const [name, x, k, o] of pools) {
    const outShape = maxPool2d(x, k, o).shape;
    const w = randn(...outShape);
    cases.push([`maxPool2d ${name} values+indices`, (d) => { const r = maxPool2d(x.to(d), k, { ...o, returnIndices: true }); return [r.values, r.indices]; }, { rtol: 0, atol: 0 }]);
    if (name !== 'NaN k2') cases.push([`maxPool2d ${name} grad`, (d) => withGrad(x, d, (t) => maxPool2d(t, k, o), w)]);
  }
  cases.push(['maxPool2d of a permuted (channels-last) view', (d) => maxPool2d(img.to(d).permute(0, 1, 3, 2), 2, { stride: 1 }), { rtol: 0, atol: 0 }]);
  const avg: [string, Tensor, IntOrTuple, AvgPoolOptions][] = [
    ['k2', img, 2, {}],
    ['k3 s2 p1', img, 3, { stride: 2, padding: 1 }],
    ['k3 s2 p1 countIncludePad=false', img, 3, { stride: 2, padding: 1, countIncludePad: false }],
    ['k3 s2 ceilMode', img, 3, { stride: 2, ceilMode: true }],
    ['k3 s2 p1 ceilMode countIncludePad=false', img, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }],
    ['k2 divisorOverride 3', img, 2, { divisorOverride: 3 }],
  ];
  for (const [name, x, k, o] of avg) {
    const w = randn(...avgPool2d(x, k, o).shape);
    cases.push([`avgPool2d ${name} (+grad)`, (d) => withGrad(x, d, (t) => avgPool2d(t, k, o), w)]);
  }
  return cases;
}

/** Best-of-3 milliseconds of `f` on the adapter (readback included), after one warm-up run. */
async function timing(name: string, f: () => Tensor): Promise<FastKernelCheck> {
  await f().data(); // compiles the pipelines
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await f().data();
    best = Math.min(best, performance.now() - t0);
  }
  return { name: `timing: ${name}`, ok: true, detail: `${best.toFixed(1)} ms (best of 3, readback included)` };
}

/**
 * Runs every fast-kernel check on 'webgpu' against 'cpu' (the WebGPU device must be initialised);
 * `filter` keeps the checks whose name contains it.
 */
export async function fastKernelChecks(filter: string | null = null): Promise<FastKernelCheck[]> {
  // autograd is loaded here, not at module scope, so the other parts of the page run without it
  await import('@kiln/autograd');
  manualSeed(7);
  const out: FastKernelCheck[] = [];
  // the nn checks below pass through the decomposition too: make sure they exercise the overrides
  const table = backendOf(getDevice('webgpu')).overrides ?? {};
  const missing = ['softmax', 'logSoftmax', 'maxPool2d', 'avgPool2d'].filter((op) => typeof table[op] !== 'function');
  if (!filter || 'overrides'.includes(filter)) out.push({ name: 'overrides registered', ok: missing.length === 0, detail: missing.length ? `missing: ${missing.join(', ')}` : 'softmax, logSoftmax, maxPool2d, avgPool2d' });
  for (const c of [...matmulCases(), ...reduceCases(), ...nnCases()]) {
    if (filter && !c[0].includes(filter)) continue;
    const t0 = performance.now();
    const r = await runCase(c);
    out.push({ ...r, detail: `${r.detail} (${Math.round(performance.now() - t0)} ms both devices)` });
  }
  if (!filter || 'timing'.includes(filter)) {
    const a = randn(1024, 1024).to('webgpu');
    const b = randn(1024, 1024).to('webgpu');
    const v = randn(1 << 20).to('webgpu');
    out.push(await timing('1024² matmul', () => a.matmul(b)));
    out.push(await timing('sum of 2^20', () => v.sum()));
    out.push(await timing('sum(0) of [1024,1024]', () => a.sum(0)));
  }
  return out;
}
