import { beforeAll, describe, expect, it } from 'vitest';
import { arange, randn, manualSeed, tensor, cat } from '@kiln/tensor';
import { initWebGPU } from '../src/index.js';
import { WEBGPU_SKIP_REASON } from './gpu-available.js';

beforeAll(async () => {
  if (!WEBGPU_SKIP_REASON) await initWebGPU();
});

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-4) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i]!)));
};

describe('webgpu smoke', () => {
  it.skipIf(WEBGPU_SKIP_REASON !== null)('elementwise, reduce, matmul, views, sort, gather agree with the CPU', async () => {
    manualSeed(1);
    const a = randn(37, 19);
    const b = randn(19, 23);
    const ga = a.to('webgpu');
    const gb = b.to('webgpu');
    expect(ga.device.toString()).toBe('webgpu:0');
    close(await ga.matmul(gb).data(), a.matmul(b).dataSync());
    close(await ga.t().exp().sum(1).data(), a.t().exp().sum(1).dataSync());
    close(await ga.relu().add(gb.narrow(0, 0, 1).t().narrow(0, 0, 1)).data(), a.relu().add(b.narrow(0, 0, 1).t().narrow(0, 0, 1)).dataSync());
    const m = a.max(1);
    const gm = ga.max(1);
    close(await gm.values.data(), m.values.dataSync());
    close(await gm.indices.data(), m.indices.dataSync());
    close(await ga.sort(1).values.data(), a.sort(1).values.dataSync());
    close(await ga.cumsum(0).data(), a.cumsum(0).dataSync());
    const idx = tensor([[0, 2], [1, 0]]);
    close(await ga.narrow(0, 0, 2).gather(1, idx.to('webgpu')).data(), a.narrow(0, 0, 2).gather(1, idx).dataSync());
    close(await cat([ga, ga]).flip(0).data(), cat([a, a]).flip(0).dataSync());
    const x = arange(10).to('webgpu');
    expect(Array.from(await x.mul(3).remainder(4).data())).toEqual(Array.from(arange(10).mul(3).remainder(4).dataSync()));
    expect(Array.from(await x.gt(4).data())).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(await x.sum().itemAsync()).toBe(45);
    expect(() => x.item()).toThrow(/itemAsync/);
    const s = tensor([0, 0, 0], { dtype: 'float32' }).to('webgpu');
    const r = s.scatterAdd(0, tensor([0, 0, 2]).to('webgpu'), tensor([1, 2, 3], { dtype: 'float32' }).to('webgpu'));
    expect(Array.from(await r.data())).toEqual([3, 0, 3]);
  });
});
