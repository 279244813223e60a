import { arange, fromTypedArray, manualSeed, tensor, type Tensor } from '@kiln/tensor';
import { describe, expect, it } from 'vitest';
import { transforms as T, type RawImage } from '../src/index.js';

const img: RawImage = { data: Uint8Array.from({ length: 4 * 5 * 3 }, (_, i) => (i * 13) % 256), width: 5, height: 4, channels: 3 };

describe('conversion transforms', () => {
  it('ToTensor: HWC bytes → CHW float32 / 255; PILToTensor keeps bytes (int32)', () => {
    const t = new T.ToTensor().call(img);
    expect(t.shape).toEqual([3, 4, 5]);
    expect(t.dtype).toBe('float32');
    // pixel (y=1, x=2), channel 1 is byte (1*5+2)*3+1 = 22 → 22*13 % 256
    expect(t.index(1, 1, 2).item()).toBeCloseTo(((22 * 13) % 256) / 255, 7);
    const p = new T.PILToTensor().call(img);
    expect(p.dtype).toBe('int32');
    expect(p.index(1, 1, 2).item()).toBe((22 * 13) % 256);
    expect(new T.ToRawImage().call(p)).toEqual(img);
    expect(T.F.toRawImage(t).data).toEqual(img.data);
  });
  it('ToTensor + Normalize(0.1307, 0.3081) on a grey byte image', () => {
    const g: RawImage = { data: new Uint8Array([0, 255, 128, 64]), width: 2, height: 2, channels: 1 };
    const x = new T.Compose([new T.ToTensor(), new T.Normalize([0.1307], [0.3081])]).call(g) as Tensor;
    const want = [0, 255, 128, 64].map((v) => Math.fround(Math.fround(Math.fround(v / 255) - Math.fround(0.1307)) / Math.fround(0.3081)));
    expect(Array.from(x.dataSync())).toEqual(want);
  });
  it('Normalize errors like torchvision', () => {
    expect(() => T.F.normalize(arange(12).reshape([3, 2, 2]), [0], [1])).toThrow(/Input tensor should be a float tensor. Got int32/);
    expect(() => T.F.normalize(arange(12, { dtype: 'float32' }).reshape([3, 2, 2]), [0], [0])).toThrow(/std evaluated to zero/);
    expect(() => T.F.normalize(arange(4, { dtype: 'float32' }).reshape([2, 2]), [0], [1])).toThrow(/size \(\.\.\., C, H, W\)/);
  });
  it('ConvertImageDtype treats int32 as uint8 images', () => {
    const x = new T.ConvertImageDtype('float32').call(tensor([[[0, 51, 255]]]));
    expect(Array.from(x.dataSync())).toEqual([0, Math.fround(51 / 255), 1]);
    expect(new T.ConvertImageDtype('int32').call(x).tolist()).toEqual([[[0, 51, 255]]]);
  });
});

describe('random transforms draw from the global generator', () => {
  const x = arange(3 * 6 * 7, { dtype: 'float32' }).div(126).reshape([3, 6, 7]);
  const run = (t: T.Transform<any, any>, seed: number) => {
    manualSeed(seed);
    return (t.call(x) as Tensor).tolist();
  };
  it.each([
    ['RandomCrop', new T.RandomCrop(4, { padding: 1 })],
    ['RandomResizedCrop', new T.RandomResizedCrop([3, 5])],
    ['RandomRotation', new T.RandomRotation(30)],
    ['RandomAffine', new T.RandomAffine(20, { translate: [0.2, 0.1], scale: [0.8, 1.2], shear: 10 })],
    ['RandomHorizontalFlip', new T.RandomHorizontalFlip()],
    ['ColorJitter', new T.ColorJitter({ brightness: 0.4, contrast: 0.4 })],
  ])('%s is reproducible with manualSeed and varies with the seed', (_name, t) => {
    expect(run(t, 1)).toEqual(run(t, 1));
    const outs = new Set([1, 2, 3, 4, 5, 6].map((s) => JSON.stringify(run(t, s))));
    expect(outs.size).toBeGreaterThan(1);
  });
  it('RandomHorizontalFlip(p=1) flips, p=0 never does; RandomVerticalFlip likewise', () => {
    expect(new T.RandomHorizontalFlip(1).call(x).tolist()).toEqual(x.flip(2).tolist());
    expect(new T.RandomHorizontalFlip(0).call(x)).toBe(x);
    expect(new T.RandomVerticalFlip(1).call(x).tolist()).toEqual(x.flip(1).tolist());
  });
  it('RandomCrop returns a real window of the padded image', () => {
    manualSeed(0);
    const padded = T.F.pad(x, 1);
    for (let k = 0; k < 5; k++) {
      const { params, out } = (() => {
        manualSeed(k);
        const params = T.RandomCrop.getParams(padded, [4, 4]);
        manualSeed(k);
        return { params, out: new T.RandomCrop(4, { padding: 1 }).call(x) as Tensor };
      })();
      const [i, j, h, w] = params;
      expect(out.tolist()).toEqual(padded.slice(1, i, i + h).slice(2, j, j + w).tolist());
    }
    expect(() => new T.RandomCrop(9).call(x)).toThrow(/Required crop size \(9, 9\) is larger than input image size \(6, 7\)/);
    expect((new T.RandomCrop(9, { padIfNeeded: true }).call(x) as Tensor).shape).toEqual([3, 9, 9]);
  });
  it('RandomResizedCrop params stay in range and fall back to a centre crop', () => {
    manualSeed(3);
    for (let k = 0; k < 50; k++) {
      const [i, j, h, w] = T.RandomResizedCrop.getParams(x, [0.08, 1], [3 / 4, 4 / 3]);
      expect(i >= 0 && j >= 0 && i + h <= 6 && j + w <= 7 && h > 0 && w > 0).toBe(true);
    }
    // impossible scale forces the fallback: ratio 7/6 is inside [3/4, 4/3] → whole image
    expect(T.RandomResizedCrop.getParams(x, [2, 3], [3 / 4, 4 / 3])).toEqual([0, 0, 6, 7]);
    expect(T.RandomResizedCrop.getParams(x, [2, 3], [2, 3])).toEqual([1, 0, 4, 7]);
  });
  it('RandomApply / RandomChoice / RandomOrder / Lambda', () => {
    const add1 = new T.Lambda((v: number) => v + 1);
    const dbl = (v: number) => v * 2;
    const seen = new Set<number>();
    for (let s = 0; s < 20; s++) {
      manualSeed(s);
      seen.add(new T.RandomApply([add1, dbl], 0.5).call(3) as number);
    }
    expect([...seen].sort()).toEqual([3, 8]);
    const choice = new Set<number>();
    for (let s = 0; s < 20; s++) {
      manualSeed(s);
      choice.add(new T.RandomChoice([add1, dbl]).call(3) as number);
    }
    expect([...choice].sort()).toEqual([4, 6]);
    expect(new T.RandomChoice([add1, dbl], [0, 1]).call(3)).toBe(6);
    const order = new Set<number>();
    for (let s = 0; s < 20; s++) {
      manualSeed(s);
      order.add(new T.RandomOrder([add1, dbl]).call(3) as number);
    }
    expect([...order].sort()).toEqual([7, 8]);
    expect(() => new T.Lambda(3 as never)).toThrow(/lambd should be callable/);
  });
  it('ColorJitter validates ranges like torchvision', () => {
    expect(new T.ColorJitter({ brightness: 0.5 }).brightness).toEqual([0.5, 1.5]);
    expect(new T.ColorJitter({ brightness: 2 }).brightness).toEqual([0, 3]);
    expect(new T.ColorJitter({ hue: 0 }).hue).toBeNull();
    expect(() => new T.ColorJitter({ hue: 0.7 })).toThrow(/hue values should be between \[-0.5, 0.5\]/);
    expect(() => new T.ColorJitter({ contrast: -1 })).toThrow(/must be non negative/);
  });
});

describe('transforms on RawImage and shapes', () => {
  it('Resize keeps a RawImage a RawImage and matches the tensor path', () => {
    const out = new T.Resize([3, 2]).call(img) as RawImage;
    expect([out.height, out.width, out.channels]).toEqual([3, 2, 3]);
    const viaTensor = T.F.resize(T.F.pilToTensor(img), [3, 2]);
    expect(T.F.pilToTensor(out).tolist()).toEqual(viaTensor.tolist());
  });
  it('Grayscale, CenterCrop and Pad work on batches [N, C, H, W]', () => {
    const b = fromTypedArray(Float32Array.from({ length: 2 * 3 * 4 * 4 }, (_, i) => (i % 7) / 7), [2, 3, 4, 4]);
    expect((new T.Grayscale().call(b) as Tensor).shape).toEqual([2, 1, 4, 4]);
    expect((new T.CenterCrop(2).call(b) as Tensor).shape).toEqual([2, 3, 2, 2]);
    expect((new T.Pad([1, 2]).call(b) as Tensor).shape).toEqual([2, 3, 8, 6]);
    expect(() => T.F.pad(b, [1, 2, 3])).toThrow(/Padding must be an int or a 1, 2, or 4 element tuple/);
    expect(() => T.F.rgbToGrayscale(fromTypedArray(new Float32Array(2 * 4), [2, 2, 2]))).toThrow(/permitted channel values are \[1, 3\], but found 2/);
    expect(() => T.F.resize(b, 2, { antialias: true })).toThrow(/antialias=true is not implemented/);
  });
});
