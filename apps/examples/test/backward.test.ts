import { describe, expect, it } from 'vitest';
import { run } from '../src/backward.js';

describe('backward examples (seeds 000, 002, 004)', () => {
  it("prints PyTorch's numbers", () => {
    const lines: string[] = [];
    const r = run((l) => lines.push(l));
    const out = lines.join('\n');
    // seed 002: m.grad = 4, n.grad = -6, leaves and gradFn names
    expect(r.mGrad).toBe(4);
    expect(r.nGrad).toBe(-6);
    expect(out).toContain('m.grad: tensor([4.])');
    expect(out).toContain('n.grad: tensor([-6.])');
    expect(out).toContain('m isLeaf: true');
    expect(out).toContain('a isLeaf: false');
    expect(out).toContain('y.gradFn: MulBackward0');
    expect(out).toContain('y = tensor([-5.], grad_fn=<MulBackward0>)');
    // retainGrad on a non-leaf: dy/da = b = -1
    expect(r.retainedGrad).toBe(-1);
    // seed 004: Q = 3a^3 - b^2 → a.grad = 9a² = [36, 81], b.grad = -2b = [-12, -8]
    expect(r.aGrad).toEqual([36, 81]);
    expect(r.bGrad).toEqual([-12, -8]);
    expect(out).toContain('9*a**2 == a.grad: tensor([True, True])');
    expect(out).toContain('-2*b == b.grad: tensor([True, True])');
    // the second backward without retainGraph fails with PyTorch's message; with it, grads accumulate
    expect(r.secondBackwardError).toMatch(/^Trying to backward through the graph a second time/);
    expect(r.accumulatedMGrad).toBe(8);
    expect(out).toContain('Does `a` require gradients? : false');
    expect(out).toContain('Does `b` require gradients?: true');
    expect(out).toContain('(x + z).detach().requiresGrad: false');
    expect(out).toContain('(x + z) inside noGrad: requiresGrad = false');
  });
});
