/**
 * Colour ops on the tensor path of torchvision.transforms.functional: rgb_to_grayscale and the
 * adjust_* functions behind ColorJitter. uint8 images (RawImage, int32 tensors) truncate back to
 * bytes with `.to(uint8)` exactly where torchvision does.
 * @packageDocumentation
 */
import { ValueError } from '@kiln/tensor';
import { batchOf, emptyLike, fromPlanar, ndimOf, toPlanar, type ImageInput, type Planar } from '../../image.js';

const f32 = Math.fround;
/** Rounding of the compute dtype: float32 for float32 and uint8 images. */
const castFor = (p: Planar) => (p.kind === 'float64' ? (v: number) => v : f32);
/** Conversion back to the image dtype (`.to(img.dtype)`): truncation for uint8. */
const toDtype = (p: Planar) => (p.kind === 'uint8' ? Math.trunc : castFor(p));

function checkChannels(p: Planar, allowed: number[], op: string): void {
  if (!allowed.includes(p.c)) throw new ValueError(`${op}: Input image tensor permitted channel values are [${allowed.join(', ')}], but found ${p.c}`);
}

/** 0.2989 R + 0.587 G + 0.114 B per pixel (computed in float32, cast to the image dtype). */
function grayPlanar(p: Planar, cast: (v: number) => number): Planar {
  const out = emptyLike(p, 1, p.h, p.w);
  const n = p.h * p.w, r = castFor(p);
  const [wr, wg, wb] = [r(0.2989), r(0.587), r(0.114)];
  for (let b = 0; b < batchOf(p); b++) {
    const s = b * 3 * n;
    for (let i = 0; i < n; i++) {
      out.data[b * n + i] = cast(r(r(r(wr * p.data[s + i]!) + r(wg * p.data[s + n + i]!)) + r(wb * p.data[s + 2 * n + i]!)));
    }
  }
  return out;
}

/** F.rgb_to_grayscale: 1 or 3 output channels (the grey value repeated). */
export function rgbToGrayscale<I extends ImageInput>(img: I, numOutputChannels = 1): I {
  if (numOutputChannels !== 1 && numOutputChannels !== 3) throw new ValueError(`rgbToGrayscale: num_output_channels should be either 1 or 3, got ${numOutputChannels}`);
  const p = toPlanar(img, 'rgbToGrayscale');
  checkChannels(p, [1, 3], 'rgbToGrayscale');
  const g = p.c === 3 ? grayPlanar(p, toDtype(p)) : p;
  if (numOutputChannels === 1) return fromPlanar(g, ndimOf(img)) as I;
  const out = emptyLike(p, 3, p.h, p.w), n = p.h * p.w;
  for (let b = 0; b < batchOf(p); b++) for (let k = 0; k < 3; k++) out.data.set(g.data.subarray(b * n, (b + 1) * n), (b * 3 + k) * n);
  return fromPlanar(out, ndimOf(img)) as I;
}

/** `_blend`: (ratio·img1 + (1 − ratio)·img2).clamp(0, bound).to(dtype); img2 broadcasts per image. */
function blend(p: Planar, other: (b: number, k: number, i: number) => number, ratio: number): Planar {
  const out = emptyLike(p, p.c, p.h, p.w);
  const bound = p.kind === 'uint8' ? 255 : 1;
  const r = castFor(p), to = toDtype(p), n = p.h * p.w;
  const a = r(ratio), a1 = r(1 - ratio);
  for (let b = 0; b < batchOf(p); b++) {
    for (let k = 0; k < p.c; k++) {
      for (let i = 0; i < n; i++) {
        const o = (b * p.c + k) * n + i;
        out.data[o] = to(Math.min(bound, Math.max(0, r(r(a * p.data[o]!) + r(a1 * other(b, k, i))))));
      }
    }
  }
  return out;
}

function checkFactor(v: number, name: string, op: string): void {
  if (!(v >= 0)) throw new ValueError(`${op}: ${name} (${v}) is not non-negative.`);
}

/** F.adjust_brightness: blend with black. */
export function adjustBrightness<I extends ImageInput>(img: I, brightnessFactor: number): I {
  checkFactor(brightnessFactor, 'brightness_factor', 'adjustBrightness');
  const p = toPlanar(img, 'adjustBrightness');
  checkChannels(p, [1, 3], 'adjustBrightness');
  return fromPlanar(blend(p, () => 0, brightnessFactor), ndimOf(img)) as I;
}

/** F.adjust_contrast: blend with the mean grey level of each image. */
export function adjustContrast<I extends ImageInput>(img: I, contrastFactor: number): I {
  checkFactor(contrastFactor, 'contrast_factor', 'adjustContrast');
  const p = toPlanar(img, 'adjustContrast');
  checkChannels(p, [3, 1], 'adjustContrast');
  const g = p.c === 3 ? grayPlanar(p, toDtype(p)) : p;
  const n = p.h * p.w;
  const means = Array.from({ length: batchOf(p) }, (_, b) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += g.data[b * n + i]!;
    return castFor(p)(s / n);
  });
  return fromPlanar(blend(p, (b) => means[b]!, contrastFactor), ndimOf(img)) as I;
}

/** F.adjust_saturation: blend with the grayscale image (1-channel images are returned as is). */
export function adjustSaturation<I extends ImageInput>(img: I, saturationFactor: number): I {
  checkFactor(saturationFactor, 'saturation_factor', 'adjustSaturation');
  const p = toPlanar(img, 'adjustSaturation');
  checkChannels(p, [1, 3], 'adjustSaturation');
  if (p.c === 1) return fromPlanar(p, ndimOf(img)) as I;
  const g = grayPlanar(p, toDtype(p)), n = p.h * p.w;
  return fromPlanar(blend(p, (b, _k, i) => g.data[b * n + i]!, saturationFactor), ndimOf(img)) as I;
}

/**
 * F.adjust_hue: rotate the hue by `hueFactor` ∈ [-0.5, 0.5] in HSV space (torchvision's
 * `_rgb2hsv` / `_hsv2rgb`); uint8 images go through [0, 1] floats and are truncated back.
 */
export function adjustHue<I extends ImageInput>(img: I, hueFactor: number): I {
  if (!(hueFactor >= -0.5 && hueFactor <= 0.5)) throw new ValueError(`adjustHue: hue_factor (${hueFactor}) is not in [-0.5, 0.5].`);
  const p = toPlanar(img, 'adjustHue');
  checkChannels(p, [1, 3], 'adjustHue');
  if (p.c === 1) return fromPlanar(p, ndimOf(img)) as I;
  const out = emptyLike(p, 3, p.h, p.w), n = p.h * p.w, r = castFor(p);
  const u8 = p.kind === 'uint8';
  for (let b = 0; b < batchOf(p); b++) {
    for (let i = 0; i < n; i++) {
      const o = b * 3 * n + i;
      const [R, G, B] = [0, 1, 2].map((k) => (u8 ? r(p.data[o + k * n]! / 255) : p.data[o + k * n]!)) as [number, number, number];
      const [h, s, v] = rgb2hsv(R, G, B, r);
      const rgb = hsv2rgb(r((r(h + r(hueFactor)) % 1 + 1) % 1), s, v, r);
      for (let k = 0; k < 3; k++) out.data[o + k * n] = u8 ? Math.trunc(r(rgb[k]! * 255)) : rgb[k]!;
    }
  }
  return fromPlanar(out, ndimOf(img)) as I;
}

/** torchvision's `_rgb2hsv` for one pixel. */
function rgb2hsv(R: number, G: number, B: number, r: (v: number) => number): [number, number, number] {
  const maxc = Math.max(R, G, B), minc = Math.min(R, G, B);
  const eqc = maxc === minc;
  const cr = r(maxc - minc);
  const ones = 1;
  const s = r(cr / (eqc ? ones : maxc));
  const crDiv = eqc ? ones : cr;
  const rc = r(r(maxc - R) / crDiv), gc = r(r(maxc - G) / crDiv), bc = r(r(maxc - B) / crDiv);
  const hr = maxc === R ? r(bc - gc) : 0;
  const hg = maxc === G && maxc !== R ? r(r(2 + rc) - bc) : 0;
  const hb = maxc !== G && maxc !== R ? r(r(4 + gc) - rc) : 0;
  let h = r(r(hr + hg) + hb);
  h = r(r(h / 6) + 1) % 1;
  return [r(h), s, maxc];
}

/** torchvision's `_hsv2rgb` for one pixel. */
function hsv2rgb(h: number, s: number, v: number, r: (v: number) => number): [number, number, number] {
  const i = Math.floor(r(h * 6));
  const f = r(r(h * 6) - i);
  const ii = i % 6;
  const p = Math.min(1, Math.max(0, r(v * r(1 - s))));
  const q = Math.min(1, Math.max(0, r(v * r(1 - r(s * f)))));
  const t = Math.min(1, Math.max(0, r(v * r(1 - r(s * r(1 - f))))));
  const table: [number, number, number][] = [[v, t, p], [q, v, p], [p, v, t], [p, q, v], [t, p, v], [v, p, q]];
  return table[ii]!;
}
