import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../src/cifar10.js';

describe('CIFAR-10 classifier (seed 004, image classifier)', () => {
  it('without the files: says what to place where, trains on the synthetic stand-in, accuracy rises above chance', async () => {
    const out = mkdtempSync(join(tmpdir(), 'kiln-cifar-'));
    const lines: string[] = [];
    const r = await run({ root: join(out, 'no-data'), epochs: 1, batchSize: 8, lr: 0.01, limit: 480, out, print: (l) => lines.push(l) });
    const text = lines.join('\n');
    expect(r.synthetic).toBe(true);
    expect(text).toContain('cifar-10-batches-bin');
    expect(text).toContain('data_batch_1.bin');
    expect(text).toContain('cifar-10-binary.tar.gz');
    expect(r.runningLosses.at(-1)!).toBeLessThan(r.runningLosses[0]!);
    expect(r.accuracy).toBeGreaterThan(0.2); // chance is 0.1
    expect(r.reloadedAccuracy).toBe(r.accuracy);
    expect(existsSync(r.checkpointPath)).toBe(true);
    expect(existsSync(r.gridPath)).toBe(true);
  });
});
