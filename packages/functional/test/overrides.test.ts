import { afterEach, describe, expect, it } from 'vitest';
import { backendOf, getDevice, randn, type CompositeKernel } from '@kiln/tensor';
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
