/**
 * Composing a custom backend (docs/custom-backend.md). A Kiln backend is a plain object that
 * implements a small set of primitives (unary, binary, reduce, matmul, …); everything else —
 * every tensor op, autograd, nn, optim — is built from those. So you can:
 *
 *   1. wrap the CPU backend to count (or time, or log) every primitive call, register it as a
 *      device, and train a model on it with no other change than `.to('counting')`;
 *   2. replace one composite op with your own "fused" kernel through `overrides` — here
 *      `logSoftmax` (which `F.crossEntropy` uses) — and check that the model used it.
 *
 *   pnpm custom-backend
 */
import '@kiln/autograd';
import * as F from '@kiln/functional';
import * as nn from '@kiln/nn';
import { SGD } from '@kiln/optim';
import { createCpuBackend, fromTypedArray, manualSeed, randn, registerBackend, tidy, type Backend, type Tensor } from '@kiln/tensor';
import { isMain } from './cli.js';

// ── 1. A counting backend ──────────────────────────────────────────────────────────────────────

/** Wraps the CPU backend; `counts` maps each primitive (with its op, e.g. `binary:mul`) to its number of calls. */
export function createCountingBackend(): { backend: Backend; counts: Map<string, number> } {
  const cpu = createCpuBackend();
  const counts = new Map<string, number>();
  const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  const backend: Backend = {
    ...cpu, // storage, reads and every primitive we do not wrap come from the CPU backend
    name: 'counting',
    // not the CPU's fused kernels (linear, softmax, convolutions, …): they would run those ops past
    // the primitives we count; without them every op decomposes into counted primitives
    overrides: {},
    unary: (op, x, outDtype) => (count(`unary:${op}`), cpu.unary(op, x, outDtype)),
    binary: (op, a, b, shape, outDtype) => (count(`binary:${op}`), cpu.binary(op, a, b, shape, outDtype)),
    reduce: (op, x, axes, outDtype) => (count(`reduce:${op}`), cpu.reduce(op, x, axes, outDtype)),
    matmul: (a, b, shape, outDtype) => (count('matmul'), cpu.matmul(a, b, shape, outDtype)),
    contiguous: (x) => (count('contiguous'), cpu.contiguous(x)),
    cast: (x, dtype) => (count('cast'), cpu.cast(x, dtype)),
    where: (c, a, b, shape, outDtype) => (count('where'), cpu.where(c, a, b, shape, outDtype)),
    gather: (x, axis, index) => (count('gather'), cpu.gather(x, axis, index)),
    scatter: (x, axis, index, src, mode) => (count(`scatter:${mode}`), cpu.scatter(x, axis, index, src, mode)),
    copyInto: (dst, src) => (count('copyInto'), cpu.copyInto(dst, src)),
    fill: (dst, value) => (count('fill'), cpu.fill(dst, value)),
  };
  return { backend, counts };
}

/** A small classification problem: which of 4 Gaussian blobs a 2-D point came from. */
function blobs(n: number, device: string): { x: Tensor; y: Tensor } {
  const centres = [[2, 2], [-2, 2], [-2, -2], [2, -2]];
  const labels = Int32Array.from({ length: n }, (_, i) => i % 4);
  const pts = randn(n, 2).mul(0.7).add(fromTypedArray(Float32Array.from([...labels].flatMap((l) => centres[l]!)), [n, 2]));
  return { x: pts.to(device), y: fromTypedArray(labels).to(device) };
}

/** Trains a 2 → 16 → 4 MLP with cross-entropy and SGD on `device`; returns the losses. */
export function trainSmallModel(device: string, steps = 50): number[] {
  manualSeed(0);
  const { x, y } = blobs(128, device);
  const model = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 4)).to(device); // model.to(device)
  const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    losses.push(
      tidy(() => {
        optimizer.zeroGrad();
        const loss = F.crossEntropy(model.call(x), y);
        loss.backward();
        optimizer.step();
        return loss.item() as number;
      }),
    );
  }
  return losses;
}

// ── 2. Overriding one kernel ───────────────────────────────────────────────────────────────────

/**
 * A CPU backend whose `logSoftmax` is one hand-written loop over the last dimension instead of
 * Kiln's decomposition (amax, sub, exp, sum, log, sub). `calls.logSoftmax` counts its uses.
 * Autograd still works: the op's gradient rule does not depend on how the forward was computed.
 */
export function createFusedBackend(): { backend: Backend; calls: { logSoftmax: number } } {
  const calls = { logSoftmax: 0 };
  const logSoftmax = (inputs: readonly unknown[], attrs: Readonly<Record<string, unknown>>): Tensor => {
    const x = inputs[0] as Tensor;
    const dim = attrs.dim as number;
    if (dim !== x.ndim - 1 || x.dtype !== 'float32') throw new Error('fused logSoftmax: only the last dim of float32 tensors');
    calls.logSoftmax++;
    const src = x.dataSync() as Float32Array; // a contiguous copy of the input
    const n = x.shape[dim]!;
    const out = new Float32Array(src.length);
    for (let row = 0; row < src.length; row += n) {
      let max = -Infinity;
      for (let j = 0; j < n; j++) max = Math.max(max, src[row + j]!);
      let sum = 0;
      for (let j = 0; j < n; j++) sum += Math.exp(src[row + j]! - max);
      const logSum = Math.log(sum) + max;
      for (let j = 0; j < n; j++) out[row + j] = src[row + j]! - logSum;
    }
    return fromTypedArray(out, x.shape, { device: x.device });
  };
  return { backend: { ...createCpuBackend(), name: 'fused', overrides: { logSoftmax } }, calls };
}

/** Registers both devices once (registering again replaces them). */
export function registerExampleBackends(): { counts: Map<string, number>; calls: { logSoftmax: number } } {
  const counting = createCountingBackend();
  registerBackend('counting', counting.backend); //  now x.to('counting') and tensor(…, { device: 'counting' }) work
  const fused = createFusedBackend();
  registerBackend('fused', fused.backend);
  return { counts: counting.counts, calls: fused.calls };
}

if (isMain(import.meta.url)) {
  const { counts, calls } = registerExampleBackends();

  console.log('== 1. a backend that counts kernel calls, training a 2-16-4 MLP for 50 steps on it');
  const losses = trainSmallModel('counting', 50);
  console.log(`loss ${losses[0]!.toFixed(4)} -> ${losses.at(-1)!.toFixed(4)}`);
  const rows = [...counts].sort((a, b) => b[1] - a[1]);
  console.log('\nprimitive            calls');
  for (const [k, v] of rows) console.log(`${k.padEnd(20)} ${String(v).padStart(5)}`);
  console.log(`${'total'.padEnd(20)} ${String(rows.reduce((s, [, v]) => s + v, 0)).padStart(5)}`);

  console.log('\n== 2. a backend that overrides logSoftmax with its own kernel');
  const fusedLosses = trainSmallModel('fused', 50);
  const cpuLosses = trainSmallModel('cpu', 50);
  const maxDiff = Math.max(...fusedLosses.map((l, i) => Math.abs(l - cpuLosses[i]!)));
  console.log(`the fused logSoftmax ran ${calls.logSoftmax} times (once per forward pass)`);
  console.log(`loss ${fusedLosses[0]!.toFixed(4)} -> ${fusedLosses.at(-1)!.toFixed(4)}; largest difference from the CPU backend's losses: ${maxDiff.toExponential(2)}`);
}
