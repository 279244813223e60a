import { afterEach, describe, expect, it, vi } from 'vitest';

describe('tensor demo', () => {
  afterEach(() => vi.restoreAllMocks());
  it('runs and shows the zero-copy interop and the matmul result', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
    await import('../src/tensor-demo.js');
    const out = lines.join('\n');
    expect(out).toContain('the typed array is\n[2, 3, 4, 5]');
    expect(out).toContain('agg.item() = 15');
  });
});
