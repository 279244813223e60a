import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as F from '@kiln/functional';
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { CNN_DEFAULTS, Net } from '../src/mnist-cnn.js';
import { MLP_DEFAULTS, makeMlp } from '../src/mnist-mlp.js';
import { runMnist } from '../src/mnist/train.js';
import { setupDevice } from '../src/device.js';

const webgpu = await setupDevice('webgpu').then(() => null, (e: Error) => e.message.split('.')[0]!);
if (webgpu) console.warn(`[mnist.test] WebGPU MLP run skipped: ${webgpu}`);

describe('MNIST (seed 000, pytorch/examples/mnist)', () => {
  it('MLP on a 512-digit subset: accuracy rises above chance; checkpoint and prediction grid are written and reload identically', async () => {
    const out = mkdtempSync(join(tmpdir(), 'kiln-mnist-mlp-'));
    const r = await runMnist('mnist-mlp', makeMlp, { ...MLP_DEFAULTS, epochs: 2, limit: 512, testLimit: 500, augment: false, out, quiet: true });
    expect(r.accuracies).toHaveLength(2);
    expect(r.accuracies[1]!).toBeGreaterThan(0.5); // chance is 0.1
    expect(r.trainLosses[1]!).toBeLessThan(r.trainLosses[0]!);
    expect(r.reloadedAccuracy).toBe(r.accuracies[1]);
    expect(existsSync(r.checkpointPath)).toBe(true);
    const png = PNG.sync.read(readFileSync(r.gridPath));
    expect(png.width).toBeGreaterThan(8 * 56);
  });

  it('CNN on a 256-digit subset: one epoch lifts accuracy above chance; checkpoint and grid are written', async () => {
    const out = mkdtempSync(join(tmpdir(), 'kiln-mnist-cnn-'));
    const r = await runMnist('mnist-cnn', () => new Net(), { ...CNN_DEFAULTS, epochs: 1, batchSize: 32, limit: 256, testLimit: 200, out, quiet: true }, F.nllLoss);
    expect(r.accuracies[0]!).toBeGreaterThan(0.2);
    expect(r.reloadedAccuracy).toBe(r.accuracies[0]);
    expect(existsSync(r.checkpointPath)).toBe(true);
    expect(existsSync(r.gridPath)).toBe(true);
  });

  it('--device rejects unknown devices and explains a missing WebGPU adapter', async () => {
    await expect(setupDevice('tpu')).rejects.toThrow(/--device must be 'cpu' or 'webgpu'/);
    // With an adapter (a GPU, or SwiftShader without one) this succeeds; without, the error says what to do.
    const outcome = await setupDevice('webgpu').then(
      (d) => d,
      (e: Error) => e.message,
    );
    if (outcome !== 'webgpu') expect(outcome).toMatch(/no WebGPU adapter|'webgpu' package/);
  });

  // the same script with --device webgpu, in Node (Dawn; SwiftShader on a machine without a GPU)
  it.skipIf(webgpu !== null)('--device webgpu: the MLP trains on WebGPU to the same accuracy as on the CPU (same seed)', async () => {
    const args = { ...MLP_DEFAULTS, epochs: 1, limit: 256, testLimit: 200, augment: false, quiet: true };
    const cpu = await runMnist('mnist-mlp', makeMlp, { ...args, device: 'cpu', out: mkdtempSync(join(tmpdir(), 'kiln-mlp-cpu-')) });
    const gpu = await runMnist('mnist-mlp', makeMlp, { ...args, device: 'webgpu', out: mkdtempSync(join(tmpdir(), 'kiln-mlp-gpu-')) });
    expect(gpu.accuracies[0]!).toBeGreaterThan(0.3);
    // float32 sums in another order may flip a borderline digit or two, never more
    expect(Math.abs(gpu.accuracies[0]! - cpu.accuracies[0]!)).toBeLessThanOrEqual(2 / 200);
    expect(gpu.trainLosses[0]!).toBeCloseTo(cpu.trainLosses[0]!, 3);
  }, 300_000);
});
