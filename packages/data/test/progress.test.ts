import { describe, expect, it } from 'vitest';
import { formatBar, formatTime, progress } from '../src/index.js';

describe('progress', () => {
  it('formats like tqdm', () => {
    expect(formatTime(65)).toBe('01:05');
    expect(formatTime(3725)).toBe('1:02:05');
    expect(formatBar(50, 100, 2, { desc: 'train', width: 10 })).toBe('train:  50%|█████     | 50/100 [00:02<00:02, 25.00it/s]');
    expect(formatBar(3, undefined, 1)).toBe('3it [00:01, 3.00it/s]');
    expect(formatBar(1, 3, 1, { width: 8, postfix: 'loss=0.5' })).toBe(' 33%|██▋     | 1/3 [00:01<00:02, 1.00it/s, loss=0.5]');
  });
  it('draws on a TTY, passes items through, and ends with a newline', () => {
    const writes: string[] = [];
    const stream = { isTTY: true, write: (s: string) => writes.push(s) };
    const bar = progress([1, 2, 3], { desc: 'ep', stream, minInterval: 0 });
    const seen: number[] = [];
    for (const x of bar) {
      seen.push(x);
      bar.setPostfix({ loss: 0.123456 });
    }
    expect(seen).toEqual([1, 2, 3]);
    expect(bar.n).toBe(3);
    const last = writes[writes.length - 1]!;
    expect(last).toMatch(/^\rep: 100%\|█+\| 3\/3 \[00:00<00:00, .*loss=0\.1235\]\x1b\[K\n$/);
  });
  it('is quiet when the stream is not a TTY, and works with for await', async () => {
    const writes: string[] = [];
    async function* gen() {
      yield 'a';
      yield 'b';
    }
    const out: string[] = [];
    for await (const x of progress(gen(), { stream: { isTTY: false, write: (s: string) => writes.push(s) } })) out.push(x);
    expect(out).toEqual(['a', 'b']);
    expect(writes).toEqual([]);
  });
});
