/// <reference types="@webgpu/types" />
/**
 * The WebGPU benchmark page (index.html, built and driven by run.ts in headless chromium): Kiln on
 * the `webgpu` device against `@tensorflow/tfjs-backend-webgpu`, in the same page, on the same
 * adapter. Cases: square matmul 256/512/1024, the MNIST CNN's second conv layer forward, and one
 * SGD training step of an MLP 784-128-10 (batch 64).
 *
 * GPU work is asynchronous, so every timed run ends with a readback: the op cases queue `k`
 * independent ops and then read one element of the last output (`k` is picked from a warm-up run
 * so a run lasts ~20 ms: one readback per op would measure the readback on a fast GPU); a training
 * step reads its loss back, as a training loop that logs the loss does. The median over runs after
 * warm-up is reported per op / per step.
 *
 * Query parameters: `?cases=id,id` runs a subset; `?budget=ms` sets the time budget per case and
 * contender; `?deadline=ms` skips what is left after that long; `?convBatch=N` sets the conv
 * batch. The report is `window.__kilnBench` ({@link WebGPUBenchReport}), also logged.
 * @packageDocumentation
 */
import '@kiln/autograd';
import * as F from '@kiln/functional';
import * as nn from '@kiln/nn';
import { SGD } from '@kiln/optim';
import { initWebGPU } from '@kiln/backend-webgpu';
import { manualSeed, randint, randn, tidy, type Device, type Tensor } from '@kiln/tensor';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-webgpu';
import { TRAIN } from '../cases.js';
import { median } from '../measure.js';

/** One timed case of one contender. */
export type CaseResult = { ms: number; runs: number; opsPerRun: number } | { na: string };

/** What the page reports. */
export interface WebGPUBenchReport {
  done: boolean;
  error: string | null;
  adapter: { vendor: string; architecture: string; device: string; description: string; fallback: boolean } | null;
  /** True for Chrome's software rasterizer-class adapter (SwiftShader: Vulkan on the CPU). */
  software: boolean;
  userAgent: string;
  tfjs: { version: string; backend: string } | null;
  cases: { id: string; label: string; flops: number; results: Record<string, CaseResult> }[];
}

const report: WebGPUBenchReport = { done: false, error: null, adapter: null, software: false, userAgent: navigator.userAgent, tfjs: null, cases: [] };
(globalThis as { __kilnBench?: WebGPUBenchReport }).__kilnBench = report;
const params = new URLSearchParams(location.search);
const logEl = document.getElementById('log')!;
function log(line: string): void {
  logEl.append(line + '\n');
  console.log(line);
}

/** A contender's implementation of a case: one run (queues `k` ops or one step, ends with a readback). */
type Run = (k: number) => Promise<void>;
interface Contender { setup(id: string, shape: CaseShape): { run: Run; dispose(): void } }
interface CaseShape { n?: number; batch?: number }

/**
 * Times `run`: a first warm-up run at k = 1 (pipeline compilation), a second one that sets `k` so
 * a run takes ~20 ms (at most 64 ops) — or, when that run alone exceeds the budget (SwiftShader
 * on matmul 1024²), is the measurement — then runs until `budgetMs` has passed (3 to 25 runs).
 */
async function timeRuns(run: Run, budgetMs: number, steps: boolean): Promise<{ ms: number; runs: number; opsPerRun: number }> {
  // never time the first run: SwiftShader compiles a pipeline for seconds when the machine is busy
  await run(1);
  let t = performance.now();
  await run(1);
  const second = performance.now() - t;
  if (second > budgetMs) return { ms: second, runs: 1, opsPerRun: 1 };
  const k = steps ? 1 : Math.max(1, Math.min(64, Math.round(20 / Math.max(second, 0.01))));
  if (k > 1) await run(k);
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < 25 && (samples.length < 3 || performance.now() - start < budgetMs)) {
    t = performance.now();
    await run(k);
    samples.push((performance.now() - t) / k);
  }
  return { ms: median(samples), runs: samples.length, opsPerRun: k };
}

/** Kiln on the `webgpu` device (NCHW). */
function kiln(device: Device): Contender {
  /** `k` results of `op`, then one element of the last read back. */
  const opRun = (op: () => Tensor): Run => async (k) => {
    let last: Tensor | null = null;
    for (let i = 0; i < k; i++) {
      last?.dispose();
      last = op();
    }
    const one = tidy(() => last!.reshape(-1).narrow(0, 0, 1));
    await one.data();
    one.dispose();
    last!.dispose();
  };
  return {
    setup(id, s) {
      if (id.startsWith('matmul')) {
        const a = randn(s.n!, s.n!).to(device);
        const b = randn(s.n!, s.n!).to(device);
        return { run: opRun(() => a.matmul(b)), dispose: () => [a, b].forEach((t) => t.dispose()) };
      }
      if (id === 'conv2d-fwd') {
        const x = randn(s.batch!, 32, 26, 26).to(device);
        const w = randn(64, 32, 3, 3).mul(0.06).to(device);
        const bias = randn(64).to(device);
        return { run: opRun(() => F.conv2d(x, w, bias)), dispose: () => [x, w, bias].forEach((t) => t.dispose()) };
      }
      if (id === 'mlp-step') {
        const model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10)).to(device);
        const x = randn(TRAIN.batch, 784).to(device);
        const y = randint(0, TRAIN.classes, [TRAIN.batch], { dtype: 'int32' }).to(device);
        const opt = new SGD(model.parameters(), { lr: TRAIN.lr });
        const run: Run = async () => {
          const loss = tidy(() => {
            opt.zeroGrad();
            const out = F.crossEntropy(model.call(x) as Tensor, y);
            out.backward();
            opt.step();
            return out.detach();
          });
          await loss.itemAsync();
          loss.dispose();
        };
        return { run, dispose: () => [x, y].forEach((t) => t.dispose()) };
      }
      throw new Error(`kiln: unknown case ${id}`);
    },
  };
}

/** TensorFlow.js on its WebGPU backend (NHWC, its native conv layout). */
function tfjs(): Contender {
  const opRun = (op: () => tf.Tensor): Run => async (k) => {
    let last: tf.Tensor | null = null;
    for (let i = 0; i < k; i++) {
      last?.dispose();
      last = tf.tidy(op);
    }
    const one = tf.tidy(() => tf.slice(tf.reshape(last!, [-1]), [0], [1]));
    await one.data();
    one.dispose();
    last!.dispose();
  };
  return {
    setup(id, s) {
      if (id.startsWith('matmul')) {
        const a = tf.randomNormal([s.n!, s.n!]);
        const b = tf.randomNormal([s.n!, s.n!]);
        return { run: opRun(() => tf.matMul(a, b)), dispose: () => tf.dispose([a, b]) };
      }
      if (id === 'conv2d-fwd') {
        const x = tf.randomNormal([s.batch!, 26, 26, 32]) as tf.Tensor4D;
        const w = tf.randomNormal([3, 3, 32, 64], 0, 0.06) as tf.Tensor4D;
        const bias = tf.randomNormal([64]);
        return { run: opRun(() => tf.add(tf.conv2d(x, w, 1, 'valid'), bias)), dispose: () => tf.dispose([x, w, bias]) };
      }
      if (id === 'mlp-step') {
        const dense = (i: number, o: number) => [tf.variable(tf.randomNormal([i, o], 0, 1 / Math.sqrt(i))), tf.variable(tf.zeros([o]))] as const;
        const [w1, b1] = dense(784, 128);
        const [w2, b2] = dense(128, 10);
        const x = tf.randomNormal([TRAIN.batch, 784]);
        const labels = tf.oneHot(tf.randomUniformInt([TRAIN.batch], 0, TRAIN.classes), TRAIN.classes);
        const opt = tf.train.sgd(TRAIN.lr);
        const run: Run = async () => {
          const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(labels, tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2)) as tf.Scalar, true);
          await loss!.data();
          loss!.dispose();
        };
        return { run, dispose: () => tf.dispose([w1, b1, w2, b2, x, labels]) };
      }
      throw new Error(`tfjs: unknown case ${id}`);
    },
  };
}

async function main(): Promise<void> {
  if (!navigator.gpu) throw new Error('navigator.gpu is missing: this browser has no WebGPU (Chrome: --enable-unsafe-webgpu)');
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('navigator.gpu.requestAdapter() returned null: no WebGPU adapter');
  const info = adapter.info;
  report.adapter = { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description, fallback: info.isFallbackAdapter ?? false };
  report.software = /swiftshader/i.test(`${info.architecture} ${info.description} ${info.vendor}`) || report.adapter.fallback;
  log(`adapter: ${JSON.stringify(report.adapter)}${report.software ? ' (software: SwiftShader)' : ''}`);

  manualSeed(0);
  const device = await initWebGPU(); // high-performance adapter, as requested above
  await tf.setBackend('webgpu');
  await tf.ready();
  report.tfjs = { version: tf.version_core, backend: tf.getBackend() };

  // on SwiftShader (a few GFLOP/s) the full CNN batch would take most of the time budget
  const convBatch = Number(params.get('convBatch') ?? (report.software ? 16 : 64));
  const budgetMs = Number(params.get('budget') ?? (report.software ? 1500 : 2000));
  // keeps `pnpm bench` short on SwiftShader: cases not started when this much time has passed are skipped
  const deadline = performance.now() + Number(params.get('deadline') ?? (report.software ? 75_000 : 300_000));
  const mm = (n: number) => 2 * n * n * n;
  // cheapest first, matmul 1024² last: on SwiftShader it alone can take half a minute
  const all: { id: string; label: string; flops: number; shape: CaseShape }[] = [
    { id: 'matmul-256', label: 'matmul 256²', flops: mm(256), shape: { n: 256 } },
    { id: 'matmul-512', label: 'matmul 512²', flops: mm(512), shape: { n: 512 } },
    { id: 'conv2d-fwd', label: `conv2d fwd ${convBatch}×32×26×26, 64×3×3`, flops: 2 * convBatch * 64 * 32 * 9 * 24 * 24, shape: { batch: convBatch } },
    { id: 'mlp-step', label: `MLP 784-128-10 train step, b${TRAIN.batch} SGD`, flops: 0, shape: {} },
    { id: 'matmul-1024', label: 'matmul 1024²', flops: mm(1024), shape: { n: 1024 } },
  ];
  const wanted = params.get('cases')?.split(',');
  const contenders: [string, Contender][] = [['kiln', kiln(device)], ['tfjs-webgpu', tfjs()]];
  for (const c of all.filter((x) => !wanted || wanted.includes(x.id))) {
    const row = { id: c.id, label: c.label, flops: c.flops, results: {} as Record<string, CaseResult> };
    report.cases.push(row);
    // both contenders or neither: a case is skipped as a whole once the time limit has passed
    const late = performance.now() > deadline;
    for (const [name, contender] of contenders) {
      if (late) {
        row.results[name] = { na: 'skipped: the time limit of the run was reached (?deadline=ms)' };
        continue;
      }
      let made: ReturnType<Contender['setup']> | null = null;
      try {
        made = contender.setup(c.id, c.shape);
        const r = await timeRuns(made.run, budgetMs, c.id.endsWith('-step'));
        row.results[name] = r;
        log(`${c.label} · ${name}: ${r.ms.toFixed(3)} ms (median of ${r.runs} runs, ${r.opsPerRun} per readback)`);
      } catch (e) {
        row.results[name] = { na: `error: ${(e as Error).message.split('\n')[0]}` };
        log(`${c.label} · ${name}: ${(row.results[name] as { na: string }).na}`);
      } finally {
        made?.dispose();
      }
    }
  }
}

try {
  await main();
} catch (e) {
  report.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  log(`error: ${report.error}`);
}
report.done = true;
log('done');
