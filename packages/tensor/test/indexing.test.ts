import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DTypeError, IndexError, KilnError, ShapeError, ValueError, arange, fromTypedArray, registerDispatchLayer, slice, tensor,
  unregisterDispatchLayer, zeros,
  type Index, type Tensor,
} from '../src/index.js';

type Item = number | boolean | null | '...' | { slice: [number | null, number | null, number] } | { ints: number[] } | { bools: boolean[] }
  | { tensor: (number | boolean)[]; shape: number[]; dtype: 'int32' | 'bool' | 'float32' };
interface Out { data: number[]; shape: number[]; view?: boolean }
interface Case {
  name: string; shape: number[]; dtype: 'float32' | 'int32'; transpose: boolean; index: Item[];
  get?: Out; error?: { type: string; message: string };
  value?: number | { data: number[]; shape: number[] }; accumulate?: boolean;
  set?: Out; setError?: { type: string; message: string };
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/indexing.json', import.meta.url), 'utf8')) as { cases: Case[] };

function source(c: Case): Tensor {
  const n = c.shape.reduce((a, b) => a * b, 1);
  const x = arange(n, { dtype: c.dtype }).reshape(c.shape);
  return c.transpose ? x.transpose(0, 1) : x;
}

function decode(i: Item): Index {
  if (i === null || typeof i !== 'object') return i;
  if ('slice' in i) return slice(...i.slice);
  if ('ints' in i) return i.ints;
  if ('bools' in i) return i.bools;
  const data = i.tensor.map(Number);
  return tensor(data, { dtype: i.dtype }).reshape(i.shape);
}

function expectOut(t: Tensor, out: Out): void {
  expect(t.shape).toEqual(out.shape);
  expect((t.reshape([-1]).tolist() as number[])).toEqual(out.data);
}

// Kiln's wording where it deliberately differs from PyTorch 1.13 (documented in indexing.ts):
// Kiln's integer dtype is int32, and a JS user has no C++ `item<T>()` to be pointed at.
const messageOverride: Record<string, string> = {
  'err float index': 'tensors used as indices must be long, int, byte or bool tensors',
  'err 0-d int': 'invalid index of a 0-dim tensor. Use `tensor.item()`',
};
const errorClass: Record<string, typeof KilnError> = { IndexError, ValueError, RuntimeError: ShapeError };

describe('indexing: x.index(...) against PyTorch __getitem__', () => {
  for (const c of fixture.cases.filter((k) => k.get || k.error)) {
    it(c.name, () => {
      const x = source(c);
      const idx = c.index.map(decode);
      if (c.error) {
        const msg = messageOverride[c.name] ?? c.error.message;
        expect(() => x.index(...idx)).toThrow(errorClass[c.error.type]!);
        expect(() => x.index(...idx)).toThrow(msg);
        return;
      }
      const r = x.index(...idx);
      expectOut(r, c.get!);
      if (r.numel() > 0) {
        // basic indexing shares storage (writing into the result changes x); advanced copies
        const before = x.clone();
        r.fill_(-7);
        expect(x.equal(before)).toBe(!c.get!.view);
      }
    });
  }
});

describe('indexing: x.indexPut_(...) against PyTorch __setitem__ / index_put_', () => {
  for (const c of fixture.cases.filter((k) => k.value !== undefined)) {
    it(c.name, () => {
      const x = source(c);
      const v = typeof c.value === 'number' ? c.value : tensor(c.value!.data, { dtype: c.dtype }).reshape(c.value!.shape);
      const idx = c.index.map(decode);
      if (c.setError) {
        expect(() => x.indexPut_(idx, v, { accumulate: c.accumulate })).toThrow(errorClass[c.setError.type]!);
        expect(() => x.indexPut_(idx, v, { accumulate: c.accumulate })).toThrow(c.setError.message);
        return;
      }
      const r = x.indexPut_(idx, v, { accumulate: c.accumulate });
      expect(r).toBe(x);
      expectOut(x, c.set!);
    });
  }
});

describe('indexing: Kiln specifics', () => {
  it('grad_h[h < 0] = 0 from the tutorial', () => {
    const h = tensor([[1, -2], [-3, 4]], { dtype: 'float32' });
    const gradH = tensor([[5, 6], [7, 8]], { dtype: 'float32' });
    gradH.indexPut_([h.lt(0)], 0);
    expect(gradH.tolist()).toEqual([[5, 0], [0, 8]]);
  });

  it('writes through to a fromTypedArray buffer and bumps the storage version', () => {
    const buf = new Float32Array([0, 1, 2, 3, 4, 5]);
    const x = fromTypedArray(buf).reshape([2, 3]);
    const v0 = x.storage.version;
    x.indexPut_([slice(), [0, 2]], 9);
    expect(Array.from(buf)).toEqual([9, 1, 9, 9, 4, 9]);
    x.indexPut_([1, slice(1, 2)], -1);
    expect(Array.from(buf)).toEqual([9, 1, 9, 9, -1, 9]);
    expect(x.storage.version).toBeGreaterThan(v0);
  });

  it('x.index() and x.index("...") alias x without being x', () => {
    const x = arange(6).reshape([2, 3]);
    for (const r of [x.index(), x.index('...')]) {
      expect(r).not.toBe(x);
      expect(r.storage).toBe(x.storage);
      expect(r.tolist()).toEqual(x.tolist());
    }
  });

  it('rejects a second ellipsis, a zero or fractional step and 0-d integer indexing', () => {
    const x = zeros([2, 3]);
    expect(() => x.index('...', '...')).toThrow(/single ellipsis/);
    expect(() => x.index(slice(null, null, 0))).toThrow(ValueError);
    expect(() => x.index(0.5)).toThrow(IndexError);
    expect(() => tensor(1.5).index(0)).toThrow(/invalid index of a 0-dim tensor/);
  });

  it('indexPut_ with an advanced index needs matching dtypes (PyTorch wording)', () => {
    const x = zeros([3, 4]);
    expect(() => x.indexPut_([[0, 1]], tensor([1, 2, 3, 4]))).toThrow(DTypeError);
    expect(() => x.indexPut_([[0, 1]], tensor([1, 2, 3, 4]))).toThrow(
      'Index put requires the source and destination dtypes match, got float32 for the destination and int32 for the source',
    );
    // basic indexing goes through copy_, which casts (as in PyTorch)
    x.indexPut_([0], tensor([1, 2, 3, 4]));
    expect(x.index(0).tolist()).toEqual([1, 2, 3, 4]);
  });

  it('accumulate on a basic index adds', () => {
    const x = arange(4, { dtype: 'float32' });
    x.indexPut_([slice(1, 3)], 10, { accumulate: true });
    expect(x.tolist()).toEqual([0, 11, 12, 3]);
  });

  it('is composed of dispatched ops only, so autograd (a dispatch layer) sees every step', () => {
    const x = arange(12, { dtype: 'float32' }).reshape([3, 4]);
    const seen: { op: string }[] = [];
    registerDispatchLayer({ name: 'test-log', order: 0, handle: (call, next) => (seen.push(call), next(call)) });
    try {
      const r = x.index(slice(1), [3, 0]);
      expect(seen.map((c) => c.op)).toContain('gather');
      expect(r.tolist()).toEqual([[7, 4], [11, 8]]);
      seen.length = 0;
      // duplicates accumulate: row 0 gets the value twice
      x.indexPut_([[0, 0]], tensor([1, 2, 3, 4], { dtype: 'float32' }), { accumulate: true });
      expect(seen.map((c) => c.op)).toEqual(expect.arrayContaining(['scatterAdd', 'copy_']));
      expect(x.index(0).tolist()).toEqual([2, 5, 8, 11]);
    } finally {
      unregisterDispatchLayer('test-log');
    }
  });
  // gradients of index/indexPut_ are checked in @kiln/autograd's tests (test/indexing-grad.test.ts):
  // this package cannot depend on autograd
});
