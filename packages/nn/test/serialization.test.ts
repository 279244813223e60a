/**
 * Model save/load through @kiln/tensor's safetensors: a file written from a PyTorch state dict
 * (tools/fixtures/nn_safetensors.py) loads into the equivalent Kiln model, and Kiln's own files
 * round-trip with PyTorch's key names.
 */
import { deserialize, load, save, serialize, tensor } from '@kiln/tensor';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as nn from '../src/index.js';
import fx from './fixtures/small_model.json' with { type: 'json' };

const FILE = fileURLToPath(new URL('./fixtures/small_model.safetensors', import.meta.url));
const makeModel = () => new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4), new nn.ReLU(), new nn.Linear(4, 2));

function expectRows(a: number[][], b: number[][]): void {
  a.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(b[i]![j]!, 5)));
}

describe('safetensors save/load', () => {
  it('loads a PyTorch state dict file into the equivalent Kiln model', async () => {
    const model = makeModel();
    expect(Object.keys(model.stateDict())).toEqual(fx.keys);
    const result = model.loadStateDict(await load(FILE));
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
    model.eval();
    expectRows(model.call(tensor(fx.x)).tolist() as number[][], fx.y);
    expect((model.get(1) as nn.BatchNorm1d).num_batches_tracked!.item()).toBe(fx.numBatchesTracked);
  });

  it('round-trips a Kiln model through save/load with PyTorch key names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiln-nn-'));
    try {
      const a = makeModel();
      a.loadStateDict(await load(FILE));
      const path = join(dir, 'model.safetensors');
      await save(a.stateDict(), path);
      const b = makeModel();
      b.loadStateDict(await load(path));
      a.eval();
      b.eval();
      expect(b.call(tensor(fx.x)).tolist()).toEqual(a.call(tensor(fx.x)).tolist());
      expect(Object.keys(deserialize(serialize(a.stateDict()))).sort()).toEqual([...fx.keys].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
