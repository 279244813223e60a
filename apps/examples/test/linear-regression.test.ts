import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { drawPlot, fit, leastSquares } from '../src/linear-regression.js';

describe('linear regression (seed 002)', () => {
  it('stops once the loss is below 1, and optim.SGD takes exactly the same steps', () => {
    const manual = fit();
    const sgd = fit({ method: 'sgd' });
    expect(manual.losses.at(-1)!).toBeLessThan(1);
    expect(manual.losses.length).toBeLessThan(100);
    expect(manual.losses[0]!).toBeGreaterThan(10);
    expect(sgd.losses).toEqual(manual.losses);
    expect(sgd.w).toBe(manual.w);
  });

  it('converges to the least-squares line, w ≈ 2 and b ≈ 5 within the noise, and draws the PNG', () => {
    const r = fit({ iterations: 2000, stopLoss: 0 });
    const ls = leastSquares(r.x, r.y);
    expect(r.w).toBeCloseTo(ls.w, 3);
    expect(r.b).toBeCloseTo(ls.b, 2);
    expect(Math.abs(r.w - 2)).toBeLessThan(0.2);
    expect(Math.abs(r.b - 5)).toBeLessThan(1);
    const path = join(mkdtempSync(join(tmpdir(), 'kiln-linreg-')), 'out', 'linear-regression.png');
    drawPlot(r, path);
    const png = PNG.sync.read(readFileSync(path));
    expect([png.width, png.height]).toEqual([960, 400]);
  });
});
