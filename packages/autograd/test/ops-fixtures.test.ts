import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Tensor } from '@kiln/tensor';
import '@kiln/autograd';
import { OP_CASES, unpack, type FixtureCase } from './op-cases.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/autograd_ops.json', import.meta.url), 'utf8')) as { cases: Record<string, FixtureCase> };

function expectClose(actual: Tensor, expected: Tensor, what: string): void {
  expect(actual.shape, what).toEqual(expected.shape);
  const a = actual.to('float64').dataSync(), e = expected.dataSync();
  for (let i = 0; i < e.length; i++) {
    const tol = 1e-7 + 1e-6 * Math.abs(e[i]!);
    if (!(Math.abs(a[i]! - e[i]!) <= tol)) expect.fail(`${what}[${i}]: got ${a[i]}, PyTorch ${e[i]}`);
  }
}

describe('gradients match PyTorch 1.13', () => {
  it('every case has a Kiln implementation and vice versa', () => {
    expect(Object.keys(OP_CASES).sort()).toEqual(Object.keys(fixture.cases).sort());
  });
  for (const [name, c] of Object.entries(fixture.cases)) {
    it(name, () => {
      const inputs = c.inputs.map((p) => unpack(p).requiresGrad_());
      const y = OP_CASES[name]!(...inputs);
      expectClose(y, unpack(c.output), `${name} output`);
      y.backward(unpack(c.gradOutput));
      c.grads.forEach((g, i) => {
        if (g === null) expect(inputs[i]!.grad).toBeNull();
        else expectClose(inputs[i]!.grad!, unpack(g), `${name} grad ${i}`);
      });
    });
  }
});
