/**
 * Checks of @kiln/backend-webgpu's fused conv and optimizer kernels against the CPU backend (the
 * oracle), run in the WebGPU check page with `?convoptim=1`:
 * - conv2d forward (MNIST CNN shapes, stride, padding, dilation, odd sizes, strided views,
 *   with/without bias, a grouped conv that takes the decomposition), and the gradients of input,
 *   weight and bias through autograd (which run the `convTranspose2d` and `conv2dWeightGrad`
 *   overrides);
 * - convTranspose2d with outputPadding, forward and gradients;
 * - 5 steps of SGD (momentum, Nesterov, dampening, weight decay, maximize), Adam (AMSGrad, L2
 *   decay, maximize) and AdamW on the same small conv + linear model, one parameter being a
 *   transposed (strided) view: the parameters must agree with the CPU's to ~1e-5.
 * With `timing`, conv2d 64×32×26×26 → 64 (3×3) is also timed against the decomposition.
 */
import '@kiln/autograd';
import * as F from '@kiln/functional';
import { Adam, AdamW, SGD } from '@kiln/optim';
import { backendOf, getDevice, getOpDef, manualSeed, randn, type Tensor } from '@kiln/tensor';

/** One check's outcome. */
export interface ConvOptimResult { name: string; ok: boolean; detail: string }

/**
 * Max |a − b| against `atol + rtol·|b|` with `atol = scale·max|b|`: sums of hundreds of products
 * differ between backends by rounding relative to the magnitude of the whole output.
 */
function compare(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number, scale = rtol): string | null {
  if (a.length !== b.length) return `length ${a.length} ≠ ${b.length}`;
  let maxAbs = 0;
  for (let i = 0; i < b.length; i++) maxAbs = Math.max(maxAbs, Math.abs(b[i]!));
  const atol = scale * maxAbs;
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs(a[i]! - b[i]!);
    if (!(err <= atol + rtol * Math.abs(b[i]!))) return `index ${i}: ${a[i]} ≠ ${b[i]} (max |want| ${maxAbs.toPrecision(3)})`;
  }
  return null;
}

async function check(out: ConvOptimResult[], name: string, got: () => Promise<ArrayLike<number>>, want: ArrayLike<number>, rtol = 1e-4): Promise<void> {
  let detail: string | null;
  try {
    detail = compare(await got(), want, rtol);
  } catch (e) {
    detail = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  out.push({ name, ok: detail === null, detail: detail ?? `${want.length} values agree` });
}

interface ConvCase {
  name: string;
  x: number[];
  w: number[];
  bias: boolean;
  opts: F.ConvOptions;
  /** Make x a strided (permuted) view on both devices. */
  stridedX?: boolean;
}

const CONV_CASES: ConvCase[] = [
  { name: 'MNIST conv1 8×1×28×28 → 32 (3×3)', x: [8, 1, 28, 28], w: [32, 1, 3, 3], bias: true, opts: {} },
  { name: 'MNIST conv2 4×32×26×26 → 64 (3×3)', x: [4, 32, 26, 26], w: [64, 32, 3, 3], bias: true, opts: {} },
  { name: 'stride 2, padding 1', x: [2, 3, 11, 13], w: [5, 3, 3, 3], bias: true, opts: { stride: 2, padding: 1 } },
  { name: 'dilation 2, padding [1, 2], no bias', x: [2, 4, 9, 10], w: [6, 4, 3, 2], bias: false, opts: { dilation: 2, padding: [1, 2] } },
  { name: 'odd: stride [2, 1], dilation [1, 2], 2×3 kernel', x: [3, 5, 7, 5], w: [7, 5, 2, 3], bias: false, opts: { stride: [2, 1], padding: [0, 1], dilation: [1, 2] } },
  { name: '1×1, 70 channels (two row tiles), strided input view', x: [2, 9, 10, 11], w: [70, 9, 1, 1], bias: true, opts: {}, stridedX: true },
  { name: 'groups 2 (decomposition)', x: [2, 4, 6, 6], w: [6, 2, 3, 3], bias: true, opts: { groups: 2, padding: 1 } },
];

/** conv2d forward and its input/weight/bias gradients on both devices. */
async function convCase(out: ConvOptimResult[], c: ConvCase): Promise<void> {
  // a strided x is a permuted view on both devices (to() would make a contiguous copy of a view)
  const base = c.stridedX ? randn(c.x[0]!, c.x[2]!, c.x[3]!, c.x[1]!) : randn(...c.x);
  const view = (t: Tensor) => (c.stridedX ? t.permute(0, 3, 1, 2) : t);
  const xc = view(base), xg = view(base.to('webgpu'));
  const wc = randn(...c.w).mul(0.3);
  const bc = c.bias ? randn(c.w[0]!) : null;
  const wg = wc.to('webgpu'), bg = bc?.to('webgpu') ?? null;
  const leaves = (ts: (Tensor | null)[]) => ts.map((t) => t?.detach().requiresGrad_() ?? null);
  const [xl, wl, bl] = leaves([xc, wc, bc]);
  const [xgl, wgl, bgl] = leaves([xg, wg, bg]);
  const y = F.conv2d(xl!, wl!, bl, c.opts);
  const yg = F.conv2d(xgl!, wgl!, bgl, c.opts);
  await check(out, `conv2d ${c.name}: forward`, () => yg.data(), y.dataSync());
  // a random upstream gradient exercises every output position differently
  const r = randn(...y.shape);
  y.mul(r).sum().backward();
  yg.mul(r.to('webgpu')).sum().backward();
  await check(out, `conv2d ${c.name}: grad input`, () => xgl!.grad!.data(), xl!.grad!.dataSync());
  await check(out, `conv2d ${c.name}: grad weight`, () => wgl!.grad!.data(), wl!.grad!.dataSync());
  if (bl) await check(out, `conv2d ${c.name}: grad bias`, () => bgl!.grad!.data(), bl.grad!.dataSync());
}

interface TransposeCase { name: string; x: number[]; w: number[]; bias: boolean; opts: F.ConvTransposeOptions }

const TRANSPOSE_CASES: TransposeCase[] = [
  { name: 'stride 2, padding 1, outputPadding 1', x: [2, 4, 5, 6], w: [4, 3, 3, 3], bias: true, opts: { stride: 2, padding: 1, outputPadding: 1 } },
  { name: 'stride [3, 2], dilation 2, outputPadding [2, 1]', x: [2, 3, 4, 5], w: [3, 5, 2, 3], bias: false, opts: { stride: [3, 2], dilation: 2, outputPadding: [2, 1] } },
];

async function transposeCase(out: ConvOptimResult[], c: TransposeCase): Promise<void> {
  const xc = randn(...c.x), wc = randn(...c.w).mul(0.3), bc = c.bias ? randn(c.w[1]!) : null;
  const leaves = (ts: (Tensor | null)[]) => ts.map((t) => t?.detach().requiresGrad_() ?? null);
  const [xl, wl, bl] = leaves([xc, wc, bc]);
  const [xgl, wgl, bgl] = leaves([xc.to('webgpu'), wc.to('webgpu'), bc?.to('webgpu') ?? null]);
  const y = F.convTranspose2d(xl!, wl!, bl, c.opts);
  const yg = F.convTranspose2d(xgl!, wgl!, bgl, c.opts);
  await check(out, `convTranspose2d ${c.name}: forward ${JSON.stringify(y.shape)}`, () => yg.data(), y.dataSync());
  const r = randn(...y.shape);
  y.mul(r).sum().backward();
  yg.mul(r.to('webgpu')).sum().backward();
  await check(out, `convTranspose2d ${c.name}: grad input`, () => xgl!.grad!.data(), xl!.grad!.dataSync());
  await check(out, `convTranspose2d ${c.name}: grad weight`, () => wgl!.grad!.data(), wl!.grad!.dataSync());
  if (bl) await check(out, `convTranspose2d ${c.name}: grad bias`, () => bgl!.grad!.data(), bl.grad!.dataSync());
}

/** What the checks need of an optimizer. */
interface Stepper { zeroGrad(): void; step(): unknown }

/**
 * A small conv + linear model's initial parameters on `device`; the linear weight is a
 * transposed, i.e. strided, leaf (made on the device: to() would copy a view contiguously).
 */
function initialParams(device: 'cpu' | 'webgpu'): Tensor[] {
  manualSeed(7);
  const ps = [randn(3, 2, 3, 3).mul(0.3), randn(3).mul(0.1), randn(48, 5).mul(0.2), randn(5).mul(0.1)].map((p) => p.to(device));
  ps[2] = ps[2]!.t();
  return ps.map((p) => p.detach().requiresGrad_());
}

/** 5 training steps of `make(params)` on `device`; returns the final parameter values. */
async function train(device: 'cpu' | 'webgpu', make: MakeOpt): Promise<Float32Array[]> {
  const params = initialParams(device);
  manualSeed(11);
  const x = randn(4, 2, 6, 6).to(device);
  const target = randn(4, 5).to(device);
  const opt = make(params);
  for (let step = 0; step < 5; step++) {
    opt.zeroGrad();
    const [cw, cb, lw, lb] = params as [Tensor, Tensor, Tensor, Tensor];
    const h = F.relu(F.conv2d(x, cw, cb, { padding: 0 })).flatten(1); // [4, 48]
    const loss = h.matmul(lw.t()).add(lb).sub(target).square().mean();
    loss.backward();
    opt.step();
  }
  return Promise.all(params.map(async (p) => Float32Array.from(await p.data())));
}

type MakeOpt = (ps: Tensor[]) => Stepper;
const OPTIMIZERS: [string, MakeOpt][] = [
  ['SGD momentum 0.9 + nesterov + weightDecay 1e-2', (ps) => new SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-2 })],
  ['SGD momentum 0.8 + dampening 0.3 + maximize', (ps) => new SGD(ps, { lr: 0.01, momentum: 0.8, dampening: 0.3, maximize: true })],
  ['SGD plain', (ps) => new SGD(ps, { lr: 0.1 })],
  ['Adam amsgrad + weightDecay 1e-3', (ps) => new Adam(ps, { lr: 1e-2, amsgrad: true, weightDecay: 1e-3 })],
  ['Adam maximize', (ps) => new Adam(ps, { lr: 1e-2, maximize: true })],
  ['AdamW weightDecay 0.1', (ps) => new AdamW(ps, { lr: 1e-2, weightDecay: 0.1 })],
  ['AdamW amsgrad', (ps) => new AdamW(ps, { lr: 1e-2, amsgrad: true, betas: [0.8, 0.9] })],
];

async function optimCase(out: ConvOptimResult[], name: string, make: MakeOpt): Promise<void> {
  let detail: string | null = null;
  try {
    const [cpu, gpu] = [await train('cpu', make), await train('webgpu', make)];
    for (let i = 0; i < cpu.length && !detail; i++) {
      const d = compare(gpu[i]!, cpu[i]!, 1e-5);
      if (d) detail = `param ${i}: ${d}`;
    }
    // the update must have moved the parameters (a no-op kernel would agree with a no-op oracle)
    const init = initialParams('cpu');
    if (!detail && compare(cpu[0]!, init[0]!.dataSync(), 1e-3) === null) detail = 'the parameters did not change';
    // the strided-parameter path of the kernels is exercised only if the view survives
    if (!detail && initialParams('webgpu')[2]!.isContiguous()) detail = 'the linear weight should be a strided view on the GPU';
  } catch (e) {
    detail = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  out.push({ name: `5 steps of ${name}`, ok: detail === null, detail: detail ?? 'parameters agree with the CPU to 1e-5' });
}

/** conv2d 64×32×26×26 → 64 (3×3) on the GPU: fused kernel vs the decomposition, both timed (ms, readback included). */
async function timing(out: ConvOptimResult[]): Promise<void> {
  const x = randn(64, 32, 26, 26).to('webgpu');
  const w = randn(64, 32, 3, 3).mul(0.1).to('webgpu');
  const b = randn(64).to('webgpu');
  const attrs = { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 };
  const fused = () => F.conv2d(x, w, b);
  const decomposed = () => getOpDef('conv2d')!.impl([x, w, b], attrs)[0]!;
  const time = async (f: () => Tensor) => {
    await f().data(); // compiles the pipelines
    const t0 = performance.now();
    const reps = 3;
    let last: Float32Array | null = null;
    for (let i = 0; i < reps; i++) last = Float32Array.from(await f().data());
    return { ms: (performance.now() - t0) / reps, last: last! };
  };
  const a = await time(fused);
  const d = await time(decomposed);
  const diff = compare(a.last, d.last, 1e-4);
  out.push({
    name: 'timing conv2d 64×32×26×26 → 64 (3×3): fused vs decomposition',
    ok: diff === null,
    detail: `fused ${a.ms.toFixed(1)} ms, decomposition ${d.ms.toFixed(1)} ms (${(d.ms / a.ms).toFixed(1)}×)${diff ? `; results differ: ${diff}` : ''}`,
  });
}

/**
 * Runs every check (the WebGPU device must be initialised already); `timing` adds the conv2d
 * timing. Never throws: a failure is a result with `ok: false`.
 */
export async function convOptimChecks(options: { timing?: boolean } = {}): Promise<ConvOptimResult[]> {
  const out: ConvOptimResult[] = [];
  const overrides = backendOf(getDevice('webgpu')).overrides ?? {};
  const names = ['conv2d', 'conv2dWeightGrad', 'convTranspose2d', 'sgdStep', 'adamStep', 'adamwStep'];
  const missing = names.filter((n) => !overrides[n]);
  out.push({ name: 'webgpu backend has the fused conv/optimizer overrides', ok: missing.length === 0, detail: missing.length ? `missing: ${missing.join(', ')}` : names.join(', ') });
  manualSeed(3);
  for (const c of CONV_CASES) {
    try {
      await convCase(out, c);
    } catch (e) {
      out.push({ name: `conv2d ${c.name}`, ok: false, detail: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
    }
  }
  for (const c of TRANSPOSE_CASES) {
    try {
      await transposeCase(out, c);
    } catch (e) {
      out.push({ name: `convTranspose2d ${c.name}`, ok: false, detail: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
    }
  }
  for (const [name, make] of OPTIMIZERS) await optimCase(out, name, make);
  if (options.timing) {
    try {
      await timing(out);
    } catch (e) {
      out.push({ name: 'timing conv2d', ok: false, detail: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
    }
  }
  return out;
}
