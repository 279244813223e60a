import { fromTypedArray, type Tensor } from '@kiln/tensor';
import { describe, expect, it } from 'vitest';
import { transforms, type RawImage } from '../src/index.js';
import fx from './fixtures/vision_transforms.json' with { type: 'json' };

const { F } = transforms;
const { C, H, W } = fx;

// The same bytes tools/fixtures/vision_transforms.py builds.
const u8 = new Int32Array(C * H * W);
for (let c = 0; c < C; c++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) u8[(c * H + y) * W + x] = (x * 37 + y * 91 + c * 53 + x * y * 7) % 256;
const f32 = Float32Array.from(u8, (v) => Math.fround(v / 255));
const input = (kind: string): Tensor => (kind === 'uint8' ? fromTypedArray(u8.slice(), [C, H, W]) : fromTypedArray(f32.slice(), [C, H, W]));
/** The uint8 image as a RawImage (HWC). */
function rawImage(): RawImage {
  const data = new Uint8Array(C * H * W);
  for (let c = 0; c < C; c++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data[(y * W + x) * C + c] = u8[(c * H + y) * W + x]!;
  return { data, width: W, height: H, channels: C };
}

type Args = Record<string, any>;
const run: Record<string, (img: any, a: Args) => any> = {
  resize: (i, a) => F.resize(i, a.size, { interpolation: a.interpolation, maxSize: a.maxSize }),
  centerCrop: (i, a) => F.centerCrop(i, a.size),
  crop: (i, a) => F.crop(i, a.top, a.left, a.height, a.width),
  pad: (i, a) => F.pad(i, a.padding, { fill: a.fill, paddingMode: a.paddingMode }),
  hflip: (i) => F.hflip(i),
  vflip: (i) => F.vflip(i),
  rgbToGrayscale: (i, a) => F.rgbToGrayscale(i, a.numOutputChannels),
  adjustBrightness: (i, a) => F.adjustBrightness(i, a.factor),
  adjustContrast: (i, a) => F.adjustContrast(i, a.factor),
  adjustSaturation: (i, a) => F.adjustSaturation(i, a.factor),
  adjustHue: (i, a) => F.adjustHue(i, a.factor),
  rotate: (i, a) => F.rotate(i, a.angle, { interpolation: a.interpolation, fill: a.fill, expand: a.expand, center: a.center }),
  affine: (i, a) => F.affine(i, a.angle, a.translate, a.scale, a.shear, { interpolation: a.interpolation, fill: a.fill }),
  resizedCrop: (i, a) => F.resizedCrop(i, a.top, a.left, a.height, a.width, a.size),
  normalize: (i, a) => F.normalize(i, a.mean, a.std),
  convertImageDtype: (i: Tensor, a) => F.convertImageDtype(a.pre ? i.mul(0.999).add(0.0005) : i, a.dtype),
};

/** Largest allowed difference: exact for bytes, float32 rounding (and rare 1-byte ties) otherwise. */
function compare(got: ArrayLike<number>, want: number[], kind: string, name: string) {
  expect(got.length).toBe(want.length);
  let worst = 0, off = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i]! - want[i]!);
    worst = Math.max(worst, d);
    if (d > 0) off++;
  }
  if (kind === 'uint8') {
    // Integer results must match exactly, except for float32 ties on the hue path (±1).
    expect(worst, name).toBeLessThanOrEqual(name === 'adjustHue' ? 1 : 0);
    expect(off / want.length, name).toBeLessThan(0.05);
  } else {
    expect(worst, name).toBeLessThan(2e-6);
  }
}

describe('transforms.F matches torchvision 0.14 (tensor path)', () => {
  it.each(fx.cases.map((c) => [`${c.name} ${c.kind} ${JSON.stringify(c.args)}`, c] as const))('%s', (_label, c) => {
    const out = run[c.name]!(input(c.kind), c.args as Args) as Tensor;
    expect(out.shape).toEqual(c.shape);
    expect(out.dtype).toBe(c.dtype === 'uint8' ? 'int32' : c.dtype);
    compare(out.dataSync(), c.values as number[], c.dtype, c.name);
  });

  it.each(fx.cases.filter((c) => c.kind === 'uint8' && c.name in run && c.name !== 'convertImageDtype').map((c) => [`${c.name} ${JSON.stringify(c.args)}`, c] as const))(
    'RawImage gives the uint8 tensor result: %s',
    (_label, c) => {
      const out = run[c.name]!(rawImage(), c.args as Args) as RawImage;
      const [oc, oh, ow] = c.shape as [number, number, number];
      expect([out.channels, out.height, out.width]).toEqual([oc, oh, ow]);
      const chw = new Float64Array(out.data.length);
      for (let k = 0; k < oc; k++) for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) chw[(k * oh + y) * ow + x] = out.data[(y * ow + x) * oc + k]!;
      compare(chw, c.values as number[], 'uint8', c.name);
    },
  );
});
