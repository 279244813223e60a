/**
 * The fused WebGPU kernels in Node (Dawn from the `webgpu` package; SwiftShader on a machine
 * without a GPU): the same checks the browser page runs (src/browser/checks/*.ts) — every fast
 * kernel and fused override against the CPU device, forward, gradients through autograd, and
 * optimizer trajectories. Skipped, with the reason, only when Node finds no WebGPU adapter.
 */
import '@kiln/autograd';
import { describe, expect, it } from 'vitest';
import { setupDevice } from '../src/device.js';
import { fastKernelChecks } from '../src/browser/checks/fast-kernels.js';
import { convOptimChecks } from '../src/browser/checks/conv-optim.js';

const skip = await setupDevice('webgpu').then(() => null, (e: Error) => e.message.split('.')[0]!);
if (skip) console.warn(`[webgpu-node.test] skipped: ${skip}`);

describe.skipIf(skip !== null)('fused WebGPU kernels in Node agree with the CPU', () => {
  it('matmul, tree reductions, softmax/logSoftmax, pools (forward and gradients)', async () => {
    const checks = (await fastKernelChecks()).filter((c) => !c.name.startsWith('timing'));
    const failed = checks.filter((c) => !c.ok);
    expect(failed.map((c) => `${c.name}: ${c.detail}`)).toEqual([]);
    expect(checks.length).toBeGreaterThan(50);
  }, 300_000);

  it('conv2d / conv2dWeightGrad / convTranspose2d and fused SGD/Adam/AdamW steps', async () => {
    const checks = await convOptimChecks();
    const failed = checks.filter((c) => !c.ok);
    expect(failed.map((c) => `${c.name}: ${c.detail}`)).toEqual([]);
    expect(checks.length).toBeGreaterThan(20);
  }, 300_000);
});
