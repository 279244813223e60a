/// <reference types="@webgpu/types" />
/**
 * WebGPU in the page, three steps, each reported to the DOM, to `console.log` and to
 * `window.__kilnCheck` (what test/browser-webgpu.test.ts reads):
 *  1. a raw compute shader + readback loop (`?loop=300`) on `navigator.gpu`;
 *  2. smoke checks: @kiln/backend-webgpu against the CPU device (matmul, relu, sum, sort, gather…);
 *  3. with `?bench=1`, milliseconds per op for the MNIST MLP's shapes;
 *  4. with `?conformance=1`, the Backend conformance suite of `@kiln/tensor/testing`, run by the
 *     vitest shim (`?filter=text` keeps tests whose name contains `text`);
 *  5. with `?fast=1`, the fast-kernel checks of checks/fast-kernels.ts (report field `fast`;
 *     `?fastFilter=text` keeps those whose name contains `text`).
 *  6. with `?convoptim=1`, the fused conv/optimizer checks of checks/conv-optim.ts (report field `convOptim`).
 */
import { arange, cat, manualSeed, randn, tensor, type Tensor } from '@kiln/tensor';
import { initWebGPU, createWebGPUBackend, requestDevice } from '@kiln/backend-webgpu';
import { runCollected, type TestResult } from './vitest-shim.js';

/** What the page reports when it is done. */
export interface CheckReport {
  done: boolean;
  adapter: Record<string, string> | null;
  error: string | null;
  loop: { iterations: number; bad: number; ms: number } | null;
  smoke: { name: string; ok: boolean; detail?: string }[];
  bench: { name: string; ms: number }[];
  conformance: { pass: number; fail: number; skip: number; failures: { name: string; error: string }[]; skips: { name: string; reason: string }[]; ms: number } | null;
  /** `?fast=1`: the fast-kernel checks (checks/fast-kernels.ts), webgpu against cpu. */
  fast?: { name: string; ok: boolean; detail: string }[];
  /** `?convoptim=1`: the fused conv/optimizer checks (checks/conv-optim.ts), webgpu against cpu (+ a conv2d timing with `bench=1`). */
  convOptim?: { name: string; ok: boolean; detail: string }[];
}

const report: CheckReport = { done: false, adapter: null, error: null, loop: null, smoke: [], bench: [], conformance: null };
(globalThis as { __kilnCheck?: CheckReport }).__kilnCheck = report;
const params = new URLSearchParams(location.search);
const logEl = document.getElementById('log')!;
function log(line: string, cls?: string): void {
  const span = document.createElement('span');
  span.textContent = line + '\n';
  if (cls) span.className = cls;
  logEl.append(span);
  console.log(line);
}

async function rawLoop(iterations: number): Promise<void> {
  const gpu = navigator.gpu;
  if (!gpu) throw new Error('navigator.gpu is missing: this browser has no WebGPU (Chrome: --enable-unsafe-webgpu)');
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error('navigator.gpu.requestAdapter() returned null');
  const info = adapter.info;
  report.adapter = { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description };
  log(`adapter: ${JSON.stringify(report.adapter)}`);
  const device = await adapter.requestDevice();
  const code = `@group(0) @binding(0) var<storage, read_write> a: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) id: vec3u) {
  if (id.x < arrayLength(&a)) { a[id.x] = a[id.x] * 2.0 + 1.0; }
}`;
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } });
  const readback = device.createBuffer({ size: 4096, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  let bad = 0;
  const t0 = performance.now();
  for (let it = 0; it < iterations; it++) {
    const buf = device.createBuffer({ size: 4096, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(buf, 0, new Float32Array(1024).fill(it));
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    for (let k = 0; k < 5; k++) {
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: buf } }] }));
      pass.dispatchWorkgroups(16);
    }
    pass.end();
    enc.copyBufferToBuffer(buf, 0, readback, 0, 4096);
    device.queue.submit([enc.finish()]);
    await readback.mapAsync(GPUMapMode.READ);
    const r = new Float32Array(readback.getMappedRange()).slice();
    readback.unmap();
    buf.destroy();
    let want = it;
    for (let k = 0; k < 5; k++) want = want * 2 + 1;
    if (r[0] !== want || r[1023] !== want) bad++;
  }
  report.loop = { iterations, bad, ms: Math.round(performance.now() - t0) };
  log(`raw loop: ${iterations} compute + readback iterations, ${bad} wrong, ${report.loop.ms} ms`, bad ? 'fail' : undefined);
  device.destroy();
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-4): string | null {
  if (a.length !== b.length) return `length ${a.length} ≠ ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i]! - b[i]!) <= tol * (1 + Math.abs(b[i]!)))) return `index ${i}: ${a[i]} ≠ ${b[i]}`;
  }
  return null;
}

async function smoke(): Promise<void> {
  await initWebGPU();
  manualSeed(1);
  const a = randn(37, 19);
  const b = randn(19, 23);
  const ga = a.to('webgpu');
  const gb = b.to('webgpu');
  const idx = tensor([[0, 2], [1, 0]]);
  const x = arange(10);
  const checks: [string, () => Promise<ArrayLike<number>>, ArrayLike<number>][] = [
    ['matmul', () => ga.matmul(gb).data(), a.matmul(b).dataSync()],
    ['relu + broadcast add', () => ga.relu().add(gb.narrow(0, 0, 1).t().narrow(0, 0, 1)).data(), a.relu().add(b.narrow(0, 0, 1).t().narrow(0, 0, 1)).dataSync()],
    ['exp + sum over a transposed view', () => ga.t().exp().sum(1).data(), a.t().exp().sum(1).dataSync()],
    ['max values', () => ga.max(1).values.data(), a.max(1).values.dataSync()],
    ['max indices', () => ga.max(1).indices.data(), a.max(1).indices.dataSync()],
    ['sort', () => ga.sort(1).values.data(), a.sort(1).values.dataSync()],
    ['cumsum', () => ga.cumsum(0).data(), a.cumsum(0).dataSync()],
    ['gather', () => ga.narrow(0, 0, 2).gather(1, idx.to('webgpu')).data(), a.narrow(0, 0, 2).gather(1, idx).dataSync()],
    ['cat + flip', () => cat([ga, ga]).flip(0).data(), cat([a, a]).flip(0).dataSync()],
    ['int32 mul + remainder', () => x.to('webgpu').mul(3).remainder(4).data(), x.mul(3).remainder(4).dataSync()],
    ['scatterAdd', () => tensor([0, 0, 0], { dtype: 'float32' }).to('webgpu').scatterAdd(0, tensor([0, 0, 2]).to('webgpu'), tensor([1, 2, 3], { dtype: 'float32' }).to('webgpu')).data(), [3, 0, 3]],
  ];
  for (const [name, got, want] of checks) {
    let detail: string | null;
    try {
      detail = close(await got(), want);
    } catch (e) {
      detail = (e as Error).message;
    }
    report.smoke.push(detail ? { name, ok: false, detail } : { name, ok: true });
    log(`smoke ${name}: ${detail ? `FAIL ${detail}` : 'ok'}`, detail ? 'fail' : undefined);
  }
}

/** `?bench=1`: milliseconds per op (upload excluded, readback included) for the MNIST MLP's shapes. */
async function bench(): Promise<void> {
  const x = randn(64, 784).to('webgpu');
  const w = randn(128, 784).to('webgpu');
  const g = randn(64, 128).to('webgpu');
  const cases: [string, () => Tensor][] = [
    ['x·wᵀ [64,784]x[784,128] (Linear forward)', () => x.matmul(w.t())],
    ['gᵀ·x [128,64]x[64,784] (weight grad)', () => g.t().matmul(x)],
    ['g·w [64,128]x[128,784] (input grad)', () => g.matmul(w)],
    ['g.sum(0) (bias grad)', () => g.sum(0)],
    ['g.relu()', () => g.relu()],
    ['g.logsumexp(1)', () => g.logsumexp(1)],
    ['w.mul(0.9).add(w)', () => w.mul(0.9).add(w)],
  ];
  for (const [name, f] of cases) {
    await f().data(); // compile the pipelines
    const t0 = performance.now();
    const reps = 5;
    for (let i = 0; i < reps; i++) await f().data();
    const ms = (performance.now() - t0) / reps;
    report.bench.push({ name, ms });
    log(`bench ${name}: ${ms.toFixed(1)} ms`);
  }
}

async function conformance(filter: string | null): Promise<void> {
  // importing the suite registers its describe/it blocks with the shim
  const { describeBackend } = await import('@kiln/tensor/testing');
  describeBackend('webgpu', async () => createWebGPUBackend((await requestDevice()).device));
  const t0 = performance.now();
  const c = { pass: 0, fail: 0, skip: 0, failures: [] as { name: string; error: string }[], skips: [] as { name: string; reason: string }[], ms: 0 };
  report.conformance = c;
  const onResult = (r: TestResult) => {
    c[r.state]++;
    if (r.state === 'skip') c.skips.push({ name: r.name, reason: r.error ?? '' });
    if (r.state === 'fail') {
      c.failures.push({ name: r.name, error: r.error ?? '' });
      log(`FAIL ${r.name}: ${r.error}`, 'fail');
    }
    const done = c.pass + c.fail + c.skip;
    if (done % 25 === 0) log(`conformance: ${done} tests so far (${c.pass} passed, ${c.fail} failed, ${c.skip} skipped)`);
  };
  await runCollected(onResult, filter);
  c.ms = Math.round(performance.now() - t0);
  log(`conformance: ${c.pass} passed, ${c.fail} failed, ${c.skip} skipped in ${c.ms} ms`, c.fail ? 'fail' : undefined);
}

try {
  await rawLoop(Number(params.get('loop') ?? 300));
  await smoke();
  if (params.get('bench') === '1') await bench();
  if (params.get('fast') === '1') {
    const { fastKernelChecks } = await import('./checks/fast-kernels.js');
    report.fast = await fastKernelChecks(params.get('fastFilter'));
    for (const c of report.fast) log(`fast ${c.name}: ${c.ok ? 'ok' : 'FAIL'} ${c.detail}`, c.ok ? undefined : 'fail');
  }
  if (params.get('convoptim') === '1') {
    const { convOptimChecks } = await import('./checks/conv-optim.js');
    report.convOptim = await convOptimChecks({ timing: params.get('bench') === '1' });
    for (const c of report.convOptim) log(`convoptim ${c.name}: ${c.ok ? 'ok' : 'FAIL'} ${c.detail}`, c.ok ? undefined : 'fail');
  }
  if (params.get('conformance') === '1') await conformance(params.get('filter'));
} catch (e) {
  report.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  log(`error: ${report.error}`, 'fail');
}
report.done = true;
log('done');
