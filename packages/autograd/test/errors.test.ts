import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AutogradError, KilnError, inferenceMode, ones, tensor } from '@kiln/tensor';
import { detectAnomaly, grad } from '@kiln/autograd';

/** PyTorch's messages (tools/fixtures/autograd_errors.py) with Python spellings mapped to Kiln's. */
const torchMessages = JSON.parse(readFileSync(new URL('./fixtures/autograd_errors.json', import.meta.url), 'utf8')) as Record<string, string>;
const adapt = (m: string) =>
  m
    .replace('retain_graph=True', 'retainGraph: true')
    .replace('allow_unused=True', 'allowUnused: true')
    .replace('var_no_grad', 'varNoGrad')
    .replace('torch.autograd.set_detect_anomaly(True)', 'setDetectAnomaly(true)')
    .replace(/torch\.Size\(\[([^\]]*)\]\)/g, '[$1]');

const cases: Record<string, () => void> = {
  leaf_inplace: () => tensor([1, 2], { requiresGrad: true }).add_(1),
  view_of_leaf_inplace: () => tensor([1, 2], { requiresGrad: true }).slice(0, 0, 1).mul_(2),
  implicit_grad: () => tensor([1, 2], { requiresGrad: true }).mul(2).backward(),
  second_backward: () => {
    const y = tensor([1, 2], { requiresGrad: true }).exp().sum();
    y.backward();
    y.backward();
  },
  unused: () => {
    const x = tensor([1, 2], { requiresGrad: true });
    grad(x.sum(), [x, ones(2, { requiresGrad: true })]);
  },
  not_requiring_input: () => grad(tensor([1, 2], { requiresGrad: true }).sum(), [ones(2)]),
  shape_mismatch: () => tensor([1, 2, 3], { requiresGrad: true }).mul(2).backward(ones(2)),
  no_grad_fn: () => ones(2).sum().backward(),
  modified_output: () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = x.exp();
    const z = y.sum();
    y.add_(1);
    z.backward();
  },
  modified_leaf: () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const c = tensor([3, 4], { dtype: 'float64' });
    const d = a.double().mul(c).sum();
    c.mul_(2);
    d.backward();
  },
  hook_no_grad: () => ones(2).registerHook((g) => g),
  nonleaf_requires_grad: () => tensor([1], { requiresGrad: true }).mul(2).requiresGrad_(false),
  inference_saved: () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const t = inferenceMode(() => tensor([3, 4], { dtype: 'float32' }).mul(2));
    w.mul(t);
  },
  anomaly: () => {
    const x = tensor([0, 1], { requiresGrad: true });
    detectAnomaly(() => x.log().mul(0).sum().backward());
  },
};

describe("autograd errors use PyTorch's wording", () => {
  it('covers every fixture case', () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(torchMessages).sort());
  });
  for (const [name, run] of Object.entries(cases)) {
    it(name, () => {
      let err: unknown;
      try {
        run();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(KilnError);
      const msg = (err as Error).message;
      // Kiln may append a hint (e.g. the shape, the forward op); the PyTorch text comes first
      expect(msg.startsWith(adapt(torchMessages[name]!)), `${msg}\n  vs PyTorch\n${adapt(torchMessages[name]!)}`).toBe(true);
      if (!['shape_mismatch'].includes(name)) expect(err).toBeInstanceOf(AutogradError);
    });
  }
});
