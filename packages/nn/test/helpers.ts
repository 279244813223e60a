/** Shared test helpers: JSON tensor specs from the PyTorch fixtures, closeness checks. */
import { tensor, type DType, type Tensor } from '@kiln/tensor';
import { expect } from 'vitest';

/** A tensor as the fixture scripts write it. */
export interface Spec {
  shape: number[];
  dtype: DType;
  data: (number | boolean)[];
}

/** Builds a Kiln tensor from a fixture spec. */
export function fromSpec(s: Spec, requiresGrad = false): Tensor {
  const t = tensor(s.data as number[], { dtype: s.dtype }).reshape(s.shape);
  return requiresGrad ? t.requiresGrad_(true) : t;
}

/** Asserts shape and values within `atol + rtol·|expected|`. */
export function expectClose(actual: Tensor | null | undefined, expected: Spec, what: string, atol = 1e-5, rtol = 1e-4): void {
  expect(actual, `${what}: missing`).toBeTruthy();
  const a = actual!;
  expect(a.shape, `${what}: shape`).toEqual(expected.shape);
  const got = Array.from(a.dataSync() as ArrayLike<number>, Number);
  expected.data.forEach((e, i) => {
    const g = got[i]!;
    const ev = Number(e);
    if (Math.abs(g - ev) > atol + rtol * Math.abs(ev)) {
      throw new Error(`${what}: element ${i} is ${g}, PyTorch has ${ev} (shape ${a.shape.join('x')})`);
    }
  });
}
