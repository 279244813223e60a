/** Wrong input rank/channels/shape raise errors naming the layer, the expectation and the shape. */
import { ones, ShapeError } from '@kiln/tensor';
import { describe, expect, it } from 'vitest';
import * as nn from '../src/index.js';


const cases: [string, () => unknown, string][] = [
  ['Conv2d channels', () => new nn.Conv2d(3, 6, 5).call(ones([1, 1, 32, 32])), 'Conv2d(3, 6, kernel_size=(5, 5), stride=(1, 1)): expected input with 3 channels, got input of shape [1, 1, 32, 32]'],
  ['Conv2d rank', () => new nn.Conv2d(3, 6, 5).call(ones([32, 32])), 'Conv2d(3, 6, kernel_size=(5, 5), stride=(1, 1)): expected 3D or 4D input, got input of shape [32, 32]'],
  ['Conv1d rank', () => new nn.Conv1d(2, 2, 3).call(ones([1, 2, 3, 3])), 'Conv1d(2, 2, kernel_size=(3,), stride=(1,)): expected 2D or 3D input, got input of shape [1, 2, 3, 3]'],
  ['Linear features', () => new nn.Linear(784, 128).call(ones([2, 28, 28])), 'Linear(in_features=784, out_features=128, bias=True): expected input with 784 features in the last dimension, got input of shape [2, 28, 28]'],
  ['BatchNorm2d rank', () => new nn.BatchNorm2d(3).call(ones([3, 4, 4])), 'BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True): expected 4D input, got input of shape [3, 4, 4]'],
  ['BatchNorm1d channels', () => new nn.BatchNorm1d(3).call(ones([4, 5])), 'BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True): expected input with 3 channels, got input of shape [4, 5]'],
  ['LayerNorm shape', () => new nn.LayerNorm([3, 4]).call(ones([2, 4, 3])), 'LayerNorm((3, 4), eps=1e-05, elementwise_affine=True): expected input with shape [*, 3, 4], got input of shape [2, 4, 3]'],
  ['MaxPool2d rank', () => new nn.MaxPool2d(2).call(ones([4, 4])), 'MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False): expected 3D or 4D input, got input of shape [4, 4]'],
  ['GroupNorm channels', () => new nn.GroupNorm(2, 4).call(ones([2, 6, 3])), 'GroupNorm(2, 4, eps=1e-05, affine=True): expected input with 4 channels, got input of shape [2, 6, 3]'],
  ['Embedding dtype', () => new nn.Embedding(4, 2).call(ones([3])), 'Embedding(4, 2): expected an int32 index tensor (got float32), got input of shape [3]'],
  ['Bilinear features', () => new nn.Bilinear(2, 3, 4).call(ones([5, 2]), ones([5, 2])), 'Bilinear(in1_features=2, in2_features=3, out_features=4, bias=True): expected input with 3 features in input2, got input of shape [5, 2]'],
];

describe('input shape errors', () => {
  for (const [name, fn, msg] of cases) {
    it(name, () => {
      expect(fn).toThrow(ShapeError);
      expect(fn).toThrow(msg);
    });
  }
  it('constructor argument checks follow PyTorch', () => {
    expect(() => new nn.Conv2d(3, 6, 3, { groups: 2 })).toThrow('in_channels must be divisible by groups');
    expect(() => new nn.Conv2d(2, 2, 3, { padding: 'same', stride: 2 })).toThrow("padding='same' is not supported for strided convolutions");
    expect(() => new nn.Dropout(1.5)).toThrow('dropout probability has to be between 0 and 1, but got 1.5');
    expect(() => new nn.Embedding(3, 2, { paddingIdx: 3 })).toThrow('Padding_idx must be within num_embeddings');
    expect(() => new nn.Upsample()).toThrow('either size or scale_factor should be defined');
  });
});
