import { describe, expect, it } from 'vitest';
import {
  createCpuBackend, read, registerBackend, SyncReadError, tensor, ValueError, type Backend,
} from '../src/index.js';

/** A CPU backend that, like WebGPU, can only read asynchronously. */
function noSyncBackend(): Backend {
  const b: Backend = { ...createCpuBackend(), name: 'nosync', capabilities: { dtypes: ['float32', 'float64', 'int32', 'bool'], readSync: false, zeroCopy: false } };
  delete (b as { readSync?: unknown }).readSync;
  return b;
}
registerBackend('nosync', noSyncBackend());

describe('sync readback (CPU)', () => {
  it('item() returns a JS number, or a boolean for bool tensors', () => {
    expect(tensor(2.5).item()).toBe(2.5);
    expect(tensor([[7]], { dtype: 'int32' }).item()).toBe(7);
    expect(tensor(true).item()).toBe(true);
    expect(tensor([0.1], { dtype: 'float32' }).item()).toBe(Math.fround(0.1));
    expect(Number.isNaN(tensor(NaN).item())).toBe(true);
    // from a view (offset into the storage)
    expect(tensor([1, 2, 3], { dtype: 'int32' }).select(0, 2).item()).toBe(3);
  });

  it('item() on a tensor with more (or fewer) than one element throws ValueError', () => {
    expect(() => tensor([1, 2]).item()).toThrow(ValueError);
    expect(() => tensor([1, 2]).item()).toThrow(/a Tensor with 2 elements cannot be converted to Scalar/);
    expect(() => tensor([]).item()).toThrow(/0 elements/);
  });

  it('tolist() gives nested arrays in the tensor\'s logical order', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'int32' });
    expect(x.tolist()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(x.t().tolist()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(x.flip(1).tolist()).toEqual([[3, 2, 1], [6, 5, 4]]);
    expect(tensor(3).tolist()).toBe(3);
    expect(tensor([true, false]).tolist()).toEqual([true, false]);
    expect(tensor([]).reshape(2, 0).tolist()).toEqual([[], []]);
  });

  it('dataSync() returns a contiguous copy of a view, with the dtype\'s typed array', () => {
    const x = tensor([[1, 2], [3, 4]], { dtype: 'float64' });
    const d = x.t().dataSync();
    expect(d).toBeInstanceOf(Float64Array);
    expect(Array.from(d)).toEqual([1, 3, 2, 4]);
    d[0] = 100;
    expect(x.tolist()).toEqual([[1, 2], [3, 4]]);
    expect(tensor([1], { dtype: 'int32' }).dataSync()).toBeInstanceOf(Int32Array);
    expect(tensor([true]).dataSync()).toBeInstanceOf(Uint8Array);
    expect(tensor([1], { dtype: 'float32' }).dataSync()).toBeInstanceOf(Float32Array);
  });
});

describe('async readback', () => {
  it('data(), itemAsync(), tolistAsync() on the CPU', async () => {
    const x = tensor([[1, 2], [3, 4]], { dtype: 'float32' });
    expect(Array.from(await x.t().data())).toEqual([1, 3, 2, 4]);
    expect(await x.sum().itemAsync()).toBe(10);
    expect(await x.tolistAsync()).toEqual([[1, 2], [3, 4]]);
    await expect(x.itemAsync()).rejects.toThrow(ValueError);
  });

  it('read([a, b]) reads several tensors in order', async () => {
    const a = tensor([1, 2, 3], { dtype: 'int32' });
    const b = tensor([[0.5, 1.5]], { dtype: 'float64' }).t();
    const c = tensor([true], { device: 'nosync' });
    const [da, db, dc] = await read([a, b, c]);
    expect(da).toBeInstanceOf(Int32Array);
    expect(Array.from(da!)).toEqual([1, 2, 3]);
    expect(Array.from(db!)).toEqual([0.5, 1.5]);
    expect(Array.from(dc!)).toEqual([1]);
    expect(await read([])).toEqual([]);
  });
});

describe('a device without synchronous reads', () => {
  const x = tensor([[1, 2], [3, 4]], { dtype: 'float32', device: 'nosync' });
  const s = x.sum();

  it('ops run on it (the device really is nosync)', () => {
    expect(s.device.type).toBe('nosync');
    expect(x.add(1).device.toString()).toBe('nosync:0');
  });

  it('item()/tolist()/dataSync() throw SyncReadError naming the async form', () => {
    expect(() => s.item()).toThrow(SyncReadError);
    expect(() => s.item()).toThrow(/^item\(\): device 'nosync:0' cannot read synchronously; use `await t\.itemAsync\(\)`/);
    expect(() => x.tolist()).toThrow(/^tolist\(\): .*`await t\.tolistAsync\(\)`/);
    expect(() => x.dataSync()).toThrow(/^dataSync\(\): .*`await t\.data\(\)`/);
  });

  it('the async forms work', async () => {
    expect(await s.itemAsync()).toBe(10);
    expect(await x.t().tolistAsync()).toEqual([[1, 3], [2, 4]]);
    expect(Array.from(await x.data())).toEqual([1, 2, 3, 4]);
    const [a, b] = await read([x, s]);
    expect(Array.from(a!)).toEqual([1, 2, 3, 4]);
    expect(Array.from(b!)).toEqual([10]);
  });
});
