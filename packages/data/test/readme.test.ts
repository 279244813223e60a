// The README's example, kept runnable.
import { arange, manualSeed, randn, type Tensor } from '@kiln/tensor';
import { expect, it } from 'vitest';
import { DataLoader, TensorDataset, progress, randomSplit } from '../src/index.js';

it('README example', () => {
  manualSeed(0);
  const ds = new TensorDataset(randn(100, 3), arange(100));
  const [train, val] = randomSplit(ds, [0.8, 0.2]);
  expect([train!.length, val!.length]).toEqual([80, 20]);
  const loader = new DataLoader(train!, { batchSize: 16, shuffle: true });
  expect(loader.length).toBe(5);
  const shapes: number[][] = [];
  for (const [x, y] of progress(loader, { desc: 'epoch 1' })) shapes.push([...x!.shape, ...y!.shape]);
  expect(shapes).toEqual(Array(5).fill([16, 3, 16]));
});
