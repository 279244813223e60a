/**
 * Bad input raises a typed error whose message names the op, the shapes/dtypes/devices involved
 * and what to do. Which inputs PyTorch rejects is checked against PyTorch in the ops-*.json
 * fixtures; this file checks the error classes and the wording.
 */
import { describe, expect, it } from 'vitest';
import {
  AutogradError, DTypeError, DeviceError, DisposedError, IndexError, ShapeError, ValueError,
  arange, cat, createCpuBackend, einsum, ones, registerBackend, stack, tensor, tidy, where, zeros,
  type Tensor,
} from '../src/index.js';

/** Asserts that `fn` throws `cls` and that the message contains every fragment. */
function expectError(fn: () => unknown, cls: new (...a: never[]) => Error, ...parts: (string | RegExp)[]): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected an error').toBeInstanceOf(cls);
  const msg = (err as Error).message;
  for (const p of parts) {
    if (typeof p === 'string') expect(msg).toContain(p);
    else expect(msg).toMatch(p);
  }
}

describe('shape mismatch → ShapeError', () => {
  it('broadcasting names the op, both shapes, the dim and the fix', () => {
    expectError(() => ones(2, 3).add(ones(4)), ShapeError, 'add:', '[2, 3] and [4]', 'dimension 1', 'unsqueeze');
    expectError(() => ones(2, 3).mul(ones(2, 1, 4)), ShapeError, 'mul:', '[2, 3] and [2, 1, 4]');
    expectError(() => where(ones(2).gt(0), ones(3), ones(2)), ShapeError, 'where:', '[3]');
    expectError(() => ones(3).expand(2, 4), ShapeError, 'expand', 'Target sizes: [2, 4]', 'Tensor sizes: [3]');
  });

  it('matmul family names both shapes', () => {
    expectError(() => ones(2, 3).matmul(ones(2, 3)), ShapeError, 'matmul', '2x3 and 2x3', '[2, 3] @ [2, 3]');
    expectError(() => ones(3).matmul(ones(4)), ShapeError, 'matmul', '[3] @ [4]');
    expectError(() => ones(3).mm(ones(3, 3)), ShapeError, 'mm:', '[3]', 'matmul()');
    expectError(() => ones(2, 3, 4).bmm(ones(3, 4, 5)), ShapeError, 'bmm:', '[2, 3, 4]', '[3, 4, 5]');
    expectError(() => ones(3).dot(ones(4)), ShapeError, 'dot:', '[3]', '[4]', 'equal length');
    expectError(() => einsum('ij,jk->ik', ones(2, 3), ones(2, 3)), ShapeError, 'einsum', "subscript 'j'", '[2, 3]');
  });

  it('cat / stack name the offending tensor and its shape', () => {
    expectError(() => cat([ones(2, 3), ones(2, 4)]), ShapeError, 'cat()', 'dimension 0', '[2, 4]', 'tensor number 1', '[2, 3]');
    expectError(() => cat([tensor(1), tensor(2)]), ShapeError, 'cat()', 'zero-dimensional');
    expectError(() => stack([ones(2), ones(3)]), ShapeError, 'stack', '[2] at entry 0', '[3] at entry 1');
  });

  it('view / reshape name the shapes, strides and the fix', () => {
    expectError(() => ones(2, 3).t().view(6), ShapeError, 'view', 'shape [3, 2]', 'strides [1, 3]', '.reshape(');
    expectError(() => ones(2, 3).view(4), ShapeError, 'view', "'[4]'", 'size 6', '[2, 3]');
    expectError(() => ones(2, 3).reshape(4, -1), ShapeError, 'reshape', 'size 6');
  });

  it('in-place ops cannot grow self', () => {
    expectError(() => ones(3).add_(ones(2, 3)), ShapeError, 'add_', '[3]', '[2, 3]');
  });
});

describe('wrong dtype → DTypeError', () => {
  it('mean on an integer tensor says how to get a float', () => {
    expectError(() => arange(3).mean(), DTypeError, 'mean()', 'int32', '.float()');
  });

  it('bitwise ops on floats', () => {
    expectError(() => ones(2).bitwiseAnd(ones(2)), DTypeError, 'bitwiseAnd', 'float32', 'int32 or bool');
    expectError(() => ones(2).bitwiseNot(), DTypeError, 'bitwiseNot', 'float32');
  });

  it('requiresGrad on an integer tensor', () => {
    expectError(() => arange(3).requiresGrad_(), AutogradError, 'requiresGrad_', 'int32', '.float()');
    expectError(() => tensor([1, 2], { dtype: 'int32', requiresGrad: true }), AutogradError, 'floating point');
  });

  it('an in-place result that cannot be cast to self', () => {
    expectError(() => arange(3).add_(0.5), DTypeError, 'add_', 'float32', 'int32');
    expectError(() => arange(3).sqrt_(), DTypeError, 'sqrt_', 'float32', 'int32');
  });

  it('bool arithmetic PyTorch refuses', () => {
    expectError(() => tensor([true]).sub(tensor([1])), DTypeError, 'sub', 'bool', 'logicalNot');
    expectError(() => tensor([true]).neg(), DTypeError, 'neg', 'bool');
    expectError(() => tensor([true]).abs(), DTypeError, 'abs', "'bool'");
    expectError(() => tensor([3]).frac(), DTypeError, 'frac', 'int32');
  });

  it('index and mask dtypes', () => {
    expectError(() => ones(2, 3).gather(1, tensor([[0.5]])), DTypeError, 'gather()', 'int32', 'float32', '.int()');
    expectError(() => ones(2).maskedFill(tensor([1, 0]), 0), DTypeError, 'maskedFill', 'int32', 'x.lt(0)');
    expectError(() => where(tensor([1, 0]), ones(2), zeros(2)), DTypeError, 'where', 'int32');
    expectError(() => ones(2).matmul(tensor([1, 2])), DTypeError, 'matmul', 'float32', 'int32');
  });

  it('unsupported dtype names are rejected with the Kiln spelling', () => {
    expectError(() => zeros([2], { dtype: 'int64' as never }), DTypeError, 'zeros', '"int64"', "'int32'");
    expectError(() => arange(3, { dtype: 'float16' as never }), DTypeError, 'arange', "'float32'");
    expectError(() => ones(2).to('long' as never), DTypeError, 'to', "'int32'");
  });
});

describe('out-of-range dims and indices → IndexError', () => {
  it('dims name the valid range and the rank', () => {
    expectError(() => ones(2, 3).gather(2, zeros([2, 3], { dtype: 'int32' })), IndexError, 'gather', '[-2, 1]', 'got 2', '2 dimensions');
    expectError(() => ones(2, 3).sum(5), IndexError, 'sum', '[-2, 1]', 'got 5');
    expectError(() => ones(2, 3).transpose(0, 2), IndexError, 'transpose', 'got 2');
    expectError(() => ones(2, 3).select(2, 0), IndexError, 'select', 'got 2');
  });

  it('indices name the size, the shape and the valid range', () => {
    expectError(() => ones(2, 3).gather(1, tensor([[0, 3]])), IndexError, 'gather()', 'index 3', 'size 3', '[2, 3]', '[0, 3)');
    expectError(() => ones(2, 3).gather(1, tensor([[-1]])), IndexError, 'gather()', 'index -1');
    expectError(() => ones(2, 3).select(1, 3), IndexError, 'select()', 'index 3', '[2, 3]', '-3..2');
    expectError(() => ones(2, 3).narrow(1, 2, 2), IndexError, 'narrow', 'start (2)', 'length (2)', '[2, 3]');
    expectError(() => ones(2, 3).indexSelect(0, tensor([2])), IndexError, 'indexSelect()', 'index 2', 'size 2');
    expectError(() => zeros(2, 3).scatter(1, tensor([[5]]), 1), IndexError, 'scatter()', 'index 5');
    expectError(() => zeros(2, 3).scatterAdd(1, tensor([[5]]), ones(1, 1)), IndexError, 'scatterAdd()', 'index 5');
    expectError(() => ones(3).topk(4), IndexError, 'topk', 'k=4');
    expectError(() => ones(0).max(), IndexError, 'max', '[0]');
  });

  it('a non-scalar item() is a ValueError', () => {
    expectError(() => ones(2).item(), ValueError, 'item()', '2 elements', 'tolist()');
  });
});

describe('mixed devices → DeviceError', () => {
  // A second device type backed by another CPU backend instance: tensors on it are not on 'cpu'.
  registerBackend('fake', createCpuBackend());
  const onFake = (t: Tensor) => t.to('fake');

  it('names both devices and how to move a tensor', () => {
    expectError(() => onFake(tensor([1, 2])).add(tensor([1, 2])), DeviceError, 'add', 'fake:0', 'cpu', ".to('fake:0')");
    expectError(() => ones(2, 2).matmul(onFake(ones(2, 2))), DeviceError, 'matmul', 'cpu', 'fake:0');
    expectError(() => cat([onFake(ones(2)), ones(2)]), DeviceError, 'cat', 'fake:0', 'cpu');
    expectError(() => onFake(ones(2, 3)).gather(1, zeros([2, 1], { dtype: 'int32' })), DeviceError, 'gather', 'fake:0', 'cpu');
  });

  it('0-d CPU tensors and JS numbers may join any device, as in PyTorch', () => {
    const r = onFake(tensor([1, 2])).add(tensor(3)).mul(2);
    expect(r.device.toString()).toBe('fake:0');
    expect(r.tolist()).toEqual([8, 10]);
  });

  it('an unknown device names the registered ones', () => {
    expectError(() => ones(2).to('nope'), DeviceError, "'nope:0'", 'cpu');
  });
});

describe('disposed tensors → DisposedError', () => {
  const disposed = (): Tensor => {
    const t = ones(2, 3);
    t.dispose();
    return t;
  };

  it('reading names the read, the shape and the fix', () => {
    expectError(() => disposed().tolist(), DisposedError, 'tolist()', '[2, 3]', 'float32', 'dispose()');
    expectError(() => disposed().item(), DisposedError, 'item()');
    expectError(() => disposed().dataSync(), DisposedError, 'dataSync()');
  });

  it('using it in an op names the op', () => {
    expectError(() => disposed().add(1), DisposedError, 'add', '[2, 3]');
    expectError(() => ones(2, 3).mul(disposed()), DisposedError, 'mul', '[2, 3]');
    expectError(() => disposed().reshape(3, 2), DisposedError, 'view', '[2, 3]');
    expectError(() => disposed().sum(), DisposedError, 'sum');
  });

  it('a tensor that escaped tidy() without being returned', () => {
    let leaked: Tensor | undefined;
    tidy(() => {
      leaked = ones(2);
    });
    expectError(() => leaked!.sum(), DisposedError, 'sum', 'tidy()');
  });

  it('async reads reject too', async () => {
    await expect(disposed().data()).rejects.toBeInstanceOf(DisposedError);
  });
});
