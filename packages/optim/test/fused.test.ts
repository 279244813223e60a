/**
 * The fused-kernel hook: a custom backend (the CPU backend wrapped under a fake device type)
 * provides `sgdStep`/`adamStep`; optimizers must call them instead of composing the update, with
 * the documented tensors and attrs.
 */
import { describe, expect, it } from 'vitest';
import { createCpuBackend, DTypeError, registerBackend, tensor, type Tensor } from '@kiln/tensor';
import { Adadelta, Adam, AdamW, SGD, fusedOverrides, type FusedOptimizerKernel, type Optimizer } from '../src/index.js';

const calls: Record<string, number> = { sgdStep: 0, adamStep: 0 };
const host = (t: Tensor) => Array.from(t.dataSync());

// A host-side Adam, written from the documented contract only.
const adamStep: FusedOptimizerKernel = ([p, grad, m, v], a) => {
  calls.adamStep!++;
  const { lr, beta1, beta2, eps, step } = a as Record<string, number>;
  const P = host(p!), G = host(grad!), M = host(m!), V = host(v!);
  for (let i = 0; i < P.length; i++) {
    M[i] = M[i]! * beta1! + (1 - beta1!) * G[i]!;
    V[i] = V[i]! * beta2! + (1 - beta2!) * G[i]! * G[i]!;
    const denom = Math.sqrt(V[i]!) / Math.sqrt(1 - beta2! ** step!) + eps!;
    P[i] = P[i]! - (lr! / (1 - beta1! ** step!)) * (M[i]! / denom);
  }
  p!.copy_(tensor(P, { dtype: p!.dtype, device: p!.device }));
  m!.copy_(tensor(M, { dtype: p!.dtype, device: p!.device }));
  v!.copy_(tensor(V, { dtype: p!.dtype, device: p!.device }));
};

// SGD with momentum: creates the buffer on the first step and returns it.
const sgdStep: FusedOptimizerKernel = ([p, grad, buf], a) => {
  calls.sgdStep!++;
  const { lr, momentum } = a as Record<string, number>;
  const b = buf ? buf.mul_(momentum!).add_(grad!) : grad!.clone();
  p!.sub_(b, { alpha: lr });
  return buf ? undefined : b;
};

registerBackend('fusedtest', { ...createCpuBackend(), name: 'fusedtest', overrides: fusedOverrides({ adamStep, sgdStep }) });

const init = [0.5, -1, 2];
const grads = [[1, 2, 3], [-1, 0.5, 0.25], [0.1, -0.2, 0.3], [2, -2, 1]];

function trajectory(device: string, make: (p: Tensor) => Adam | SGD): number[] {
  const p = tensor(init, { dtype: 'float64', device });
  const opt = make(p);
  for (const g of grads) {
    p.grad = tensor(g, { dtype: 'float64', device });
    opt.step();
  }
  return host(p);
}

describe('fused optimizer kernels from backend.overrides', () => {
  it('Adam calls adamStep on a backend that has it, and matches the composed update', () => {
    calls.adamStep = 0;
    const fused = trajectory('fusedtest', (p) => new Adam([p], { lr: 0.1 }));
    expect(calls.adamStep).toBe(grads.length);
    const composed = trajectory('cpu', (p) => new Adam([p], { lr: 0.1 }));
    expect(calls.adamStep).toBe(grads.length); // the CPU device runs its own kernel, not this one
    fused.forEach((x, i) => expect(x).toBeCloseTo(composed[i]!, 12));
  });

  it('SGD calls sgdStep and keeps the momentum buffer it returns', () => {
    calls.sgdStep = 0;
    let opt: SGD | undefined;
    const fused = trajectory('fusedtest', (p) => (opt = new SGD([p], { lr: 0.1, momentum: 0.9 })));
    expect(calls.sgdStep).toBe(grads.length);
    const composed = trajectory('cpu', (p) => new SGD([p], { lr: 0.1, momentum: 0.9 }));
    fused.forEach((x, i) => expect(x).toBeCloseTo(composed[i]!, 12));
    const buf = opt!.stateDict().state[0]!.momentum_buffer as Tensor;
    expect(buf.device.type).toBe('fusedtest');
  });
});

registerBackend('composedcpu2', { ...createCpuBackend(), name: 'composedcpu2', overrides: {} });

describe("the CPU backend's own fused steps", () => {
  // a transposed (non-contiguous) float32 parameter, NaN-free values, several steps with momentum
  function run(device: string, make: (p: Tensor) => Optimizer): number[] {
    const base = tensor([[0.5, -1, 2], [0.25, 3, -0.75]], { device });
    const p = base.t(); // [3, 2] view
    const opt = make(p);
    for (let s = 0; s < 4; s++) {
      p.grad = tensor([[1, -2], [0.5, 0.25], [-3, 0.125]], { device }).mul(s + 1);
      opt.step();
    }
    return host(p);
  }
  const cases: [string, (p: Tensor) => Optimizer][] = [
    ['SGD momentum + nesterov + weightDecay + maximize', (p) => new SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01, maximize: true })],
    ['SGD momentum + dampening', (p) => new SGD([p], { lr: 0.1, momentum: 0.5, dampening: 0.3 })],
    ['Adam amsgrad + weightDecay', (p) => new Adam([p], { lr: 0.1, amsgrad: true, weightDecay: 0.1 })],
    ['AdamW', (p) => new AdamW([p], { lr: 0.1 })],
    ['Adadelta', (p) => new Adadelta([p], { lr: 1, weightDecay: 0.05 })],
  ];
  it.each(cases)('%s matches the composed update, on a view parameter, updating it in place', (_, make) => {
    const fused = run('cpu', make);
    const composed = run('composedcpu2', make);
    fused.forEach((x, i) => expect(x).toBeCloseTo(composed[i]!, 5));
    expect(fused.some((x, i) => x !== [0.5, 0.25, -1, 3, 2, -0.75][i])).toBe(true);
  });

  it('plain SGD on a large float32 parameter (the WebAssembly map) takes exactly the composed steps', () => {
    // 5000 elements: above the size where the CPU stages the update through WebAssembly
    const values = Array.from({ length: 5000 }, (_, i) => Math.sin(i) * 3);
    for (const weightDecay of [0, 0.01]) {
      const steps = (device: string) => {
        const p = tensor(values, { device });
        const opt = new SGD([p], { lr: 0.05, weightDecay, maximize: weightDecay > 0 });
        for (let s = 0; s < 3; s++) {
          p.grad = tensor(values.map((v, i) => Math.cos(i + s) * v), { device });
          opt.step();
        }
        return host(p);
      };
      const fused = steps('cpu');
      expect(fused).toEqual(steps('composedcpu2')); // bit for bit
      expect(fused.some((x, i) => x !== Math.fround(values[i]!))).toBe(true);
    }
  });

  it('bumps the version counter so autograd notices the in-place update', () => {
    const p = tensor([1, 2, 3], { requiresGrad: true });
    const v0 = p.storage.version;
    p.grad = tensor([1, 1, 1], { dtype: 'float32' });
    new SGD([p], { lr: 0.1 }).step();
    expect(p.storage.version).toBe(v0 + 1);
    expect(host(p)).toEqual([0.9, 1.9, 2.9].map(Math.fround));
  });

  it('rejects an integer gradient with a typed error naming the dtypes', () => {
    const p = tensor([1, 2, 3], { dtype: 'float32' });
    p.grad = tensor([1, 1, 1]); // int32 (no autograd loaded here, so the grad setter does not check)
    expect(() => new SGD([p], { lr: 0.1 }).step()).toThrow(DTypeError);
    expect(() => new SGD([p], { lr: 0.1 }).step()).toThrow(/sgdStep: optimizer steps need floating-point .*float32, int32/);
  });
});
