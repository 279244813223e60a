import { describe, expect, it } from 'vitest';
import { DTypeError, IndexError, ShapeError, ValueError, arange, ones, randn, tensor, zeros } from '@kiln/tensor';
import * as F from '../src/index.js';

describe('bad input raises typed errors naming the function, the shapes and the fix', () => {
  it('conv2d: wrong channels, rank, dtype, kernel larger than input, bad padding string', () => {
    expect(() => F.conv2d(zeros([1, 4, 5, 5]), zeros([6, 3, 3, 3]))).toThrow(ShapeError);
    expect(() => F.conv2d(zeros([1, 4, 5, 5]), zeros([6, 3, 3, 3]))).toThrow(
      'conv2d: expected input[1, 4, 5, 5] to have 3 channels (weight [6, 3, 3, 3], groups=1), but got 4 channels',
    );
    expect(() => F.conv2d(zeros([4, 5, 5, 1, 1]), zeros([6, 4, 3, 3]))).toThrow(/Expected 3D \(unbatched\) or 4D \(batched\) input to conv2d, but got input of size: \[4, 5, 5, 1, 1\]/);
    expect(() => F.conv2d(zeros([1, 3, 5, 5]), zeros([6, 3, 3, 3]).double())).toThrow(DTypeError);
    expect(() => F.conv2d(zeros([1, 3, 2, 2]), zeros([6, 3, 3, 3]))).toThrow(/Kernel size can't be greater than actual input size/);
    expect(() => F.conv2d(zeros([1, 3, 5, 5]), zeros([6, 3, 3, 3]), null, { padding: 'full' as 'same' })).toThrow(ValueError);
    expect(() => F.conv2d(zeros([1, 3, 5, 5]), zeros([6, 3, 3, 3]), null, { padding: 'same', stride: 2 })).toThrow(/not supported for strided convolutions/);
    expect(() => F.conv2d(zeros([1, 4, 5, 5]), zeros([6, 2, 3, 3]), zeros([5]), { groups: 2 })).toThrow(/expected bias of size \[6\]/);
    expect(() => F.conv2d(zeros([1, 3, 5, 5]), zeros([6, 3, 3, 3]), null, { stride: [1, 2, 3] })).toThrow(/stride to be a single int or a list of 2 ints/);
    expect(() => F.conv2d(arange(75).reshape([1, 3, 5, 5]), zeros([6, 3, 3, 3]))).toThrow(/floating dtype/);
  });
  it('convTranspose2d: channels and outputPadding', () => {
    expect(() => F.convTranspose2d(zeros([1, 4, 3, 3]), zeros([3, 2, 3, 3]))).toThrow(/expected input\[1, 4, 3, 3\] to have 3 channels/);
    expect(() => F.convTranspose2d(zeros([1, 3, 3, 3]), zeros([3, 2, 3, 3]), null, { stride: 2, outputPadding: 2 })).toThrow(/output padding must be smaller than either stride or dilation/);
  });
  it('pooling: output too small, padding over half the kernel, wrong rank', () => {
    expect(() => F.maxPool2d(zeros([1, 1, 2, 2]), 3)).toThrow(/Output size is too small/);
    expect(() => F.maxPool2d(zeros([1, 1, 6, 6]), 2, { padding: 2 })).toThrow(/pad should be at most half of effective kernel size/);
    expect(() => F.avgPool2d(zeros([6, 6]), 2)).toThrow(/Expected 3D \(unbatched\) or 4D \(batched\) input to avgPool2d/);
  });
  it('linear / bilinear: feature mismatch', () => {
    expect(() => F.linear(zeros([2, 5]), zeros([3, 4]))).toThrow(/linear: expected input\[2, 5\] to have 4 features in its last dim \(weight \[3, 4\]/);
    expect(() => F.bilinear(zeros([2, 3]), zeros([2, 5]), zeros([4, 3, 4]))).toThrow(ShapeError);
  });
  it('losses: class targets out of range, batch mismatch, float targets of the wrong shape, bad reduction', () => {
    expect(() => F.crossEntropy(zeros([2, 3]), tensor([0, 3]))).toThrow(IndexError);
    expect(() => F.crossEntropy(zeros([2, 3]), tensor([0, 3]))).toThrow(/Target 3 is out of bounds/);
    expect(() => F.crossEntropy(zeros([3, 4]), tensor([0, 1]))).toThrow(/Expected input batch_size \(3\) to match target batch_size \(2\)/);
    expect(() => F.crossEntropy(zeros([3, 4]), zeros([3, 5]))).toThrow(ShapeError);
    expect(() => F.nllLoss(zeros([2, 3]), tensor([0.5, 1]))).toThrow(DTypeError);
    expect(() => F.crossEntropy(zeros([2, 3]), tensor([0, 1]), { labelSmoothing: 1.5 })).toThrow(ValueError);
    expect(() => F.mseLoss(zeros([2]), zeros([2]), { reduction: 'avg' as 'mean' })).toThrow(/not a valid value for reduction/);
    expect(() => F.binaryCrossEntropy(tensor([0.5, 1.5]), tensor([0, 1]))).toThrow(/between 0 and 1/);
    expect(() => F.binaryCrossEntropy(zeros([2, 3]), zeros([3, 2]))).toThrow(/expected target size \[3, 2\] to be the same as input size \[2, 3\]/);
    expect(() => F.gaussianNllLoss(zeros([2, 3]), zeros([2, 3]), ones([3, 2]))).toThrow(/var is of incorrect size/);
  });
  it('ctcLoss: shapes, dtypes and lengths', () => {
    const lp = zeros([4, 2, 3]);
    expect(() => F.ctcLoss(zeros([4, 3]), tensor([[1]]), [4, 4], [1, 1])).toThrow(/expected logProbs of shape \[T, N, C\]/);
    expect(() => F.ctcLoss(lp, tensor([[1.5]]), [4, 4], [1, 1])).toThrow(DTypeError);
    expect(() => F.ctcLoss(lp, tensor([[1], [2]]), [5, 4], [1, 1])).toThrow(/input_lengths to have value at most 4/);
    expect(() => F.ctcLoss(lp, tensor([[1], [2]]), [4], [1, 1])).toThrow(/inputLengths to have 2 entries/);
    expect(() => F.ctcLoss(lp, tensor([[1], [2]]), [4, 4], [1, 1], { blank: 3 })).toThrow(/blank must be in label range/);
  });
  it('normalisation: batch statistics of one value, layerNorm shape, groups not dividing channels', () => {
    expect(() => F.batchNorm(zeros([1, 3]), zeros([3]), ones([3]), { training: true })).toThrow(/Expected more than 1 value per channel when training, got input size \[1, 3\]/);
    expect(() => F.batchNorm(zeros([2, 3]), zeros([4]), ones([4]))).toThrow(/expected runningMean to have shape \[3\]/);
    expect(() => F.layerNorm(zeros([2, 3, 4]), [3])).toThrow(/expected input with shape \[\*, 3\], but got input of size \[2, 3, 4\]/);
    expect(() => F.groupNorm(zeros([2, 6, 3]), 4)).toThrow(/divisible by num_groups/);
  });
  it('embedding, oneHot, pad, interpolate, pixelShuffle, fold', () => {
    expect(() => F.embedding(tensor([0, 5]), zeros([5, 2]))).toThrow(/index 5 is out of range for an embedding of 5 rows/);
    expect(() => F.embedding(tensor([0.0, 1.5]), zeros([5, 2]))).toThrow(DTypeError);
    expect(() => F.oneHot(tensor([0, 4]), 3)).toThrow(/smaller than num_classes/);
    expect(() => F.pad(zeros([1, 2, 3]), [3, 0], 'reflect')).toThrow(/Padding size should be less than the corresponding input dimension/);
    expect(() => F.pad(zeros([1, 2, 3]), [1])).toThrow(/divisible by 2/);
    expect(() => F.interpolate(zeros([1, 1, 4]), { size: [2, 2] })).toThrow(/same number of spatial dimensions/);
    expect(() => F.interpolate(zeros([1, 1, 4]), { size: 2, mode: 'bilinear' })).toThrow(/expects a 4-D input/);
    expect(() => F.interpolate(zeros([1, 1, 4]))).toThrow(/exactly one of size or scaleFactor/);
    expect(() => F.pixelShuffle(zeros([1, 6, 2, 2]), 2)).toThrow(/divisible by the square of upscale_factor/);
    expect(() => F.fold(zeros([1, 8, 5]), [5, 5], 2, { stride: 2, padding: 1 })).toThrow(/calculated number of sliding blocks 3 \* 3 = 9/);
  });
  it('affineGrid / gridSample / maxUnpool2d: shapes and modes', () => {
    expect(() => F.affineGrid(zeros([2, 2, 3]), [1, 1, 4, 4])).toThrow(/expected theta of shape \[N, 2, 3\]/);
    expect(() => F.gridSample(zeros([1, 1, 4, 4]), zeros([1, 3, 3, 3]))).toThrow(/grid \[N, Ho, Wo, 2\]/);
    expect(() => F.gridSample(zeros([1, 1, 4, 4]), zeros([1, 3, 3, 2]), { mode: 'bicubic' as 'nearest' })).toThrow(ValueError);
    expect(() => F.maxUnpool2d(zeros([1, 1, 2, 2]), tensor([[[[0, 1], [2, 9]]]]), 2, { outputSize: [3, 3] })).toThrow(/invalid max index: 9/);
  });
  it('activations and softmax: non-float input, dim out of range', () => {
    expect(() => F.gelu(tensor([1, 2]))).toThrow(DTypeError);
    expect(() => F.softmax(zeros([2, 3]), 2)).toThrow(IndexError);
    expect(() => F.gelu(zeros([2]), { approximate: 'fast' as 'tanh' })).toThrow(ValueError);
    expect(() => F.glu(zeros([2, 3]))).toThrow(/Halving dimension must be even/);
    expect(() => F.dropout(zeros([2]), { p: 1.2 })).toThrow(/between 0 and 1/);
    expect(() => F.scaledDotProductAttention(zeros([2, 3]), zeros([4, 5]), zeros([4, 5]))).toThrow(ShapeError);
  });
});

describe('options and conventions', () => {
  it('inplace writes into the input', () => {
    const x = tensor([-1, 2, -3]);
    const y = F.relu(x, { inplace: true });
    expect(y).toBe(x);
    expect(x.tolist()).toEqual([0, 2, 0]);
    const z = tensor([-1, 0.5]);
    F.leakyRelu(z, { negativeSlope: 0.5, inplace: true });
    expect(z.tolist()).toEqual([-0.5, 0.5]);
  });
  it('softmax without dim uses PyTorch’s legacy implicit dim; rows sum to one', () => {
    const x = randn([2, 3]);
    expect(F.softmax(x).allclose(F.softmax(x, 1))).toBe(true);
    expect(F.softmax(randn([3])).sum().item()).toBeCloseTo(1, 6);
    expect(F.softmax(randn([2, 3, 4]), -1).sum(-1).allclose(ones([2, 3]))).toBe(true);
    expect(F.softmax(tensor([1000, 0, -1000], { dtype: 'float32' }), 0).tolist()).toEqual([1, 0, 0]);
    expect(F.logSoftmax(x, 1, { dtype: 'float64' }).dtype).toBe('float64');
  });
  it('maxPool returnIndices destructures like a tuple; adaptiveMaxPool2d returnIndices too', () => {
    const x = arange(16).reshape([1, 1, 4, 4]).float();
    const [y, idx] = F.maxPool2d(x, 2, { returnIndices: true });
    expect(y.tolist()).toEqual([[[[5, 7], [13, 15]]]]);
    expect(idx.tolist()).toEqual([[[[5, 7], [13, 15]]]]);
    const { values, indices } = F.adaptiveMaxPool2d(x, 1, { returnIndices: true });
    expect(values.item()).toBe(15);
    expect(indices.item()).toBe(15);
  });
  it('batchNorm in eval mode leaves running stats alone; in training updates them with the unbiased variance', () => {
    const rm = zeros([2]), rv = ones([2]);
    const x = tensor([[1, 10], [3, 20], [5, 60]], { dtype: 'float32' });
    F.batchNorm(x, rm, rv);
    expect(rm.tolist()).toEqual([0, 0]);
    F.batchNorm(x, rm, rv, { training: true, momentum: 0.5 });
    expect(rm.tolist()).toEqual([1.5, 15]);
    // unbiased var of [1,3,5] is 4, of [10,20,60] is 700
    expect(rv.tolist()).toEqual([2.5, 350.5]);
  });
});
