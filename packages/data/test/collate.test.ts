import { tensor, type Tensor } from '@kiln/tensor';
import { describe, expect, it } from 'vitest';
import { defaultCollate } from '../src/index.js';
import ref from './fixtures/data_reference.json' with { type: 'json' };

// PyTorch's int64 is Kiln's int32.
const kilnDtype = (d: string) => (d === 'int64' ? 'int32' : d);
function expectTensor(t: unknown, want: { shape: number[]; dtype: string; values: (number | boolean)[] }) {
  const x = t as Tensor;
  expect(x.shape).toEqual(want.shape);
  expect(x.dtype).toBe(kilnDtype(want.dtype));
  expect(Array.from(x.dataSync(), (v) => (x.dtype === 'bool' ? v === 1 : v))).toEqual(want.values);
}

describe('defaultCollate', () => {
  it('matches torch default_collate on nested objects, arrays, numbers, booleans and strings', () => {
    const batch = [0, 1, 2].map((i) => ({
      image: tensor([[0, 1, 2], [3, 4, 5]], { dtype: 'float32' }).add(i),
      label: i,
      weight: 0.5 * i + 0.25,
      flag: i % 2 === 0,
      name: `s${i}`,
      pair: [i, 2 * i],
    }));
    const out = defaultCollate(batch) as Record<string, unknown>;
    const want = ref.collate;
    expectTensor(out.image, want.image);
    expectTensor(out.label, want.label);
    expectTensor(out.weight, want.weight);
    expectTensor(out.flag, want.flag);
    expect(out.name).toEqual(want.name);
    const pair = out.pair as unknown[];
    expectTensor(pair[0], want.pair[0]!);
    expectTensor(pair[1], want.pair[1]!);
  });
  it('stacks typed arrays with their dtype (Uint8Array → int32)', () => {
    const f = defaultCollate([new Float32Array([1, 2]), new Float32Array([3, 4])]) as Tensor;
    expect(f.dtype).toBe('float32');
    expect(f.tolist()).toEqual([[1, 2], [3, 4]]);
    const u = defaultCollate([new Uint8Array([255]), new Uint8Array([7])]) as Tensor;
    expect(u.dtype).toBe('int32');
    expect(u.tolist()).toEqual([[255], [7]]);
  });
  it('raises PyTorch-style errors on ragged or unsupported batches', () => {
    expect(() => defaultCollate([[1, 2], [3]])).toThrow(/each element in list of batch should be of equal size/);
    expect(() => defaultCollate([new Map()])).toThrow(/default_collate: batch must contain .*found Map/);
    expect(() => defaultCollate([tensor([1]), 3])).toThrow(/element 1 of the batch is number/);
    expect(() => defaultCollate([tensor([1, 2]), tensor([1])])).toThrow(/stack expects each tensor to be equal size/);
  });
});
