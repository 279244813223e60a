import type { Tensor } from '@kiln/tensor';
import { DataLoader } from '@kiln/data';
import { describe, expect, it } from 'vitest';
import { createDataset } from './fixtures/mnist-dataset.js';

describe('DataLoader over the bundled MNIST', () => {
  it('batch 64, shuffle, 2 workers deliver the same batches as 0 workers for the same seed', async () => {
    const args = { train: false }; // the 2,000-digit split keeps the suite fast
    const collect = async (numWorkers: number) => {
      const dl = new DataLoader(createDataset(args), {
        batchSize: 64, shuffle: true, seed: 2024, numWorkers,
        ...(numWorkers > 0 ? { workerDataset: { module: new URL('./fixtures/mnist-dataset.ts', import.meta.url), args } } : {}),
      });
      const out: { x: number[]; y: number[]; shape: number[] }[] = [];
      for await (const [x, y] of dl as AsyncIterable<[Tensor, Tensor]>) {
        // a checksum per image keeps the comparison cheap but exact
        const xs = x.sum([1, 2, 3]).dataSync();
        out.push({ x: Array.from(xs), y: y.tolist() as number[], shape: x.shape });
      }
      return { out, length: dl.length };
    };
    const single = await collect(0);
    const multi = await collect(2);
    expect(single.length).toBe(32);
    expect(single.out.length).toBe(32);
    expect(single.out[0]!.shape).toEqual([64, 1, 28, 28]);
    expect(single.out[31]!.shape).toEqual([2000 - 31 * 64, 1, 28, 28]);
    expect(multi.out).toEqual(single.out);
    // shuffled: the first batch is not the first 64 samples in order
    const ds = createDataset(args);
    expect(single.out[0]!.y).not.toEqual(Array.from(ds.targets.subarray(0, 64)));
  });
});
