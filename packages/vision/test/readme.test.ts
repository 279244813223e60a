// The README's example, kept runnable.
import { manualSeed } from '@kiln/tensor';
import { DataLoader } from '@kiln/data';
import { expect, it } from 'vitest';
import { datasets, transforms as T, utils } from '../src/index.js';

it('README example', () => {
  manualSeed(0);
  const transform = new T.Compose([new T.ToTensor(), new T.Normalize([0.1307], [0.3081])]);
  const train = new datasets.MNIST({ train: true, transform });
  const loader = new DataLoader(train, { batchSize: 64, shuffle: true });
  for (const [x, y] of loader) {
    expect([x.shape, y.shape]).toEqual([[64, 1, 28, 28], [64]]);
    // Normalised like torchvision's MNIST: roughly zero mean, unit std over a batch
    expect(Math.abs(x.mean().item() as number)).toBeLessThan(0.2);
    break;
  }
  const grid = utils.drawSampleGrid(new datasets.MNIST({ train: false }), { count: 32 });
  expect([grid.width, grid.channels]).toEqual([8 * 58 + 2, 1]);
});
