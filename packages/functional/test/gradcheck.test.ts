import { gradcheck, gradgradcheck } from '@kiln/autograd';
import { describe, expect, it } from 'vitest';
import { randint, randn, type Tensor } from '@kiln/tensor';
import * as F from '../src/index.js';

// float64 finite differences (PyTorch's gradcheck) for the ops that carry their own gradient rule
const d = (...shape: number[]) => randn(shape, { dtype: 'float64' }).requiresGrad_();

describe('gradcheck of ops with their own vjp', () => {
  const cases: [string, () => Tensor[], (...t: Tensor[]) => Tensor][] = [
    ['conv2d stride/pad/dilation/groups', () => [d(1, 4, 4, 4), d(4, 2, 3, 2), d(4)], (x, w, b) => F.conv2d(x, w, b, { stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2 })],
    ['conv1d', () => [d(2, 2, 7), d(3, 2, 3)], (x, w) => F.conv1d(x, w, null, { stride: 2, padding: 1 })],
    ['conv3d', () => [d(1, 1, 3, 4, 3), d(2, 1, 2, 2, 2)], (x, w) => F.conv3d(x, w, null, { padding: 1, stride: 2 })],
    ['convTranspose2d', () => [d(1, 2, 2, 3), d(2, 2, 3, 2), d(2)], (x, w, b) => F.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 })],
    ['maxPool2d ceilMode', () => [d(1, 1, 5, 5)], (x) => F.maxPool2d(x, 2, { stride: 2, padding: 1, ceilMode: true })],
    ['avgPool2d countIncludePad false', () => [d(1, 2, 5, 5)], (x) => F.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false, ceilMode: true })],
    ['linear with bias on a 3-D input', () => [d(2, 3, 4), d(5, 4), d(5)], (x, w, b) => F.linear(x, w, b)],
    ['linear without bias', () => [d(3, 4), d(2, 4)], (x, w) => F.linear(x, w)],
    ['softmax', () => [d(3, 4)], (x) => F.softmax(x, 1)],
    ['logSoftmax', () => [d(3, 4)], (x) => F.logSoftmax(x, 0)],
    ['unfold', () => [d(1, 1, 4, 4)], (x) => F.unfold(x, [2, 3], { padding: 1, stride: [2, 1] })],
    ['fold', () => [d(1, 6, 20)], (x) => F.fold(x, [4, 5], [1, 3], { stride: 1, padding: [0, 1], dilation: 1 })],
  ];
  for (const [name, inputs, fn] of cases) {
    it(name, () => {
      expect(gradcheck(fn, inputs())).toBe(true);
    });
  }
  it('crossEntropy with label smoothing and class weights', () => {
    const w = randn([4], { dtype: 'float64' }).abs();
    const t = randint(0, 4, [5]);
    expect(gradcheck((x) => F.crossEntropy(x, t, { labelSmoothing: 0.2, weight: w }), [d(5, 4)])).toBe(true);
  });
  it('second derivatives: conv2d and softmax (double backward through the vjp rules)', () => {
    expect(gradgradcheck((x, w) => F.conv2d(x, w, null, { stride: 2, padding: 1 }), [d(1, 1, 4, 4), d(2, 1, 3, 3)])).toBe(true);
    expect(gradgradcheck((x) => F.softmax(x, 1), [d(2, 3)])).toBe(true);
    expect(gradgradcheck((x, w, b) => F.linear(x, w, b).tanh(), [d(2, 3), d(4, 3), d(4)])).toBe(true);
    expect(gradgradcheck((x) => F.logSoftmax(x, 1), [d(2, 3)])).toBe(true);
  });
  it('second derivatives of max pooling (maxPool{1,2}dBackward carries a gather as its own gradient)', () => {
    expect(gradgradcheck((x) => F.maxPool2d(x, 2).mul(x.narrow(2, 0, 2).narrow(3, 0, 2)), [d(1, 2, 4, 5)])).toBe(true);
    expect(gradgradcheck((x) => F.maxPool1d(x, 3, { stride: 2, padding: 1 }).square(), [d(2, 1, 7)])).toBe(true);
  });
});
