import { describe, expect, it } from 'vitest';
import { median } from '../src/measure.js';
import { formatTable, type Summary } from '../src/report.js';

describe('bench report', () => {
  it('takes medians', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });

  it('prints ratios kiln/peer, n/a notes and target checks', () => {
    const s: Summary = {
      date: '', rounds: 1, cores: 2, cpu: '', contenders: { kiln: {}, 'tfjs-wasm': {}, pytorch: {} },
      cases: [
        { id: 'matmul-1024', label: 'matmul 1024²', flops: 2 * 1024 ** 3, ms: { kiln: 20, 'tfjs-wasm': 60, pytorch: 10 }, na: {} },
        { id: 'cnn-step', label: 'CNN', ms: { kiln: 90, pytorch: 60 }, na: { 'tfjs-wasm': 'n/a — no conv filter gradient' } },
      ],
    };
    const t = formatTable(s);
    expect(t).toContain('0.33×'); // 20 / 60
    expect(t).toContain('2.00×'); // 20 / 10
    expect(t).toContain('[1] n/a — no conv filter gradient');
    expect(t).toContain('matmul 1024²: tfjs-wasm / kiln ≥ 2.5: 3.00 (met)');
    expect(t).toContain('CNN step: kiln / pytorch ≤ 1.5: 1.50 (met)');
  });
});
