/**
 * The fused-kernel hook: a custom backend (the CPU backend wrapped under a fake device type)
 * provides `sgdStep`/`adamStep`; optimizers must call them instead of composing the update, with
 * the documented tensors and attrs.
 */
import { describe, expect, it } from 'vitest';
import { createCpuBackend, registerBackend, tensor, type Tensor } from '@kiln/tensor';
import { Adam, SGD, fusedOverrides, type FusedOptimizerKernel } from '../src/index.js';

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
    expect(calls.adamStep).toBe(grads.length); // the CPU backend has no override
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
