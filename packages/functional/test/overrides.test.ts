import { afterEach, describe, expect, it } from 'vitest';
import { backendOf, getDevice, randn, tensor, type CompositeKernel } from '@kiln/tensor';
import * as F from '../src/index.js';

const backend = backendOf(getDevice('cpu'));
const saved = backend.overrides;

describe('conv, pooling and softmax are ops a backend can override', () => {
  afterEach(() => {
    (backend as { overrides?: typeof saved }).overrides = saved;
  });
  for (const [op, call] of [
    ['conv2d', () => F.conv2d(randn([1, 2, 5, 5]), randn([3, 2, 3, 3]))],
    ['maxPool2d', () => F.maxPool2d(randn([1, 2, 4, 4]), 2)],
    ['avgPool2d', () => F.avgPool2d(randn([1, 2, 4, 4]), 2)],
    ['softmax', () => F.softmax(randn([2, 3]), 1)],
    ['logSoftmax', () => F.logSoftmax(randn([2, 3]), 1)],
  ] as const) {
    it(`${op} dispatches to backend.overrides.${op} with the op's attrs`, () => {
      let seen: Readonly<Record<string, unknown>> | null = null;
      const marker = randn([1]);
      const kernel: CompositeKernel = (_inputs, attrs) => {
        seen = attrs;
        return op === 'maxPool2d' ? [marker, marker] : marker;
      };
      (backend as { overrides?: typeof saved }).overrides = { ...saved, [op]: kernel };
      expect(call()).toBe(marker);
      expect(seen).not.toBeNull();
    });
  }
});

describe("the CPU backend's fused softmax/logSoftmax match the decomposition", () => {
  const decomposed = <T>(fn: () => T): T => {
    (backend as { overrides?: typeof saved }).overrides = {};
    try {
      return fn();
    } finally {
      (backend as { overrides?: typeof saved }).overrides = saved;
    }
  };
  const x = randn([3, 5, 7]);
  const special = tensor([[1, 2, 3], [NaN, 1, 2], [Infinity, 1, 2], [-Infinity, -Infinity, -Infinity], [-Infinity, 0, 1], [1e30, -1e30, 0]]);
  for (const [name, f] of [['softmax', F.softmax], ['logSoftmax', F.logSoftmax]] as const) {
    for (const dim of [0, 1, 2, -1]) {
      it(`${name} over dim ${dim} of a [3, 5, 7] tensor and of a transposed view`, () => {
        const want = decomposed(() => f(x, dim).dataSync());
        const got = f(x, dim).dataSync();
        got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
        const xt = x.transpose(0, 2);
        const wantT = decomposed(() => f(xt, dim).dataSync());
        f(xt, dim).dataSync().forEach((v, i) => expect(v).toBeCloseTo(wantT[i]!, 6));
      });
    }
    it(`${name} with NaN, ±Inf and huge values per row`, () => {
      const want = Array.from(decomposed(() => f(special, 1).dataSync()));
      const got = Array.from(f(special, 1).dataSync());
      got.forEach((v, i) => (Number.isNaN(want[i]) ? expect(v).toBeNaN() : expect(v).toBeCloseTo(want[i]!, 6)));
    });
  }
});

describe("relu's backward (thresholdBackward) on the CPU matches the decomposition", () => {
  it('zero where the output is not > 0, g elsewhere (NaN/±Inf in both operands), +0 where masked', async () => {
    await import('@kiln/autograd');
    const xs = [-2, -0, 0, 1e-30, 3, NaN, Infinity, -Infinity, 5, -1, 2, 7];
    const gs = [1, 2, 3, 4, NaN, 6, Infinity, -Infinity, -Infinity, NaN, -0, 0.5];
    const run = () => {
      const x = tensor(xs, { dtype: 'float32', requiresGrad: true });
      x.relu().backward(tensor(gs, { dtype: 'float32' }));
      return Array.from(x.grad!.dataSync());
    };
    const want = (() => {
      (backend as { overrides?: typeof saved }).overrides = {};
      try {
        return run();
      } finally {
        (backend as { overrides?: typeof saved }).overrides = saved;
      }
    })();
    const got = run();
    got.forEach((v, i) => (Number.isNaN(want[i]) ? expect(v).toBeNaN() : expect(Object.is(v, want[i])).toBe(true)));
    expect(got[0]).toBe(0);
    expect(Object.is(got[0], 0)).toBe(true); // +0, not -0
    expect(got[6]).toBe(Infinity);
  });
});
