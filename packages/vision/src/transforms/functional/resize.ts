/**
 * F.resize and F.resized_crop: torchvision's tensor path, i.e. torch.nn.functional.interpolate
 * with align_corners=False and no antialiasing.
 * @packageDocumentation
 */
import { ValueError } from '@kiln/tensor';
import { batchOf, emptyLike, fromPlanar, getDimensions, ndimOf, toPlanar, type ImageInput, type Planar } from '../../image.js';
import { crop } from './geometry.js';

/** torchvision.transforms.InterpolationMode (the modes Kiln implements). */
export const InterpolationMode = { NEAREST: 'nearest', BILINEAR: 'bilinear' } as const;
/** 'nearest' | 'bilinear'. */
export type InterpolationMode = (typeof InterpolationMode)[keyof typeof InterpolationMode];

/** Options of resize (torchvision's keyword arguments). */
export interface ResizeOptions {
  /** Default 'bilinear'. */
  interpolation?: InterpolationMode;
  /** Upper bound for the longer edge when `size` is a single int. */
  maxSize?: number;
  /**
   * Only `false`/undefined is supported: torchvision 0.14's tensor default (antialias=None means
   * off for tensors). Passing `true` throws rather than silently giving different pixels.
   */
  antialias?: boolean | null;
}

/** torchvision's `_compute_resized_output_size`: an int matches the smaller edge, keeping aspect. */
export function resizedOutputSize(h: number, w: number, size: number | readonly number[], maxSize?: number): [number, number] {
  const s = typeof size === 'number' ? [size] : [...size];
  if (s.length === 2) {
    if (maxSize !== undefined) throw new ValueError(`resize: maxSize should only be passed if size specifies the length of the smaller edge, i.e. size should be an int or a sequence of length 1 in torchscript mode (got size=[${s.join(', ')}])`);
    return [s[0]!, s[1]!];
  }
  if (s.length !== 1 || !Number.isInteger(s[0]) || s[0]! <= 0) throw new ValueError(`resize: size must be a positive int or a sequence of 1 or 2 ints, got ${JSON.stringify(size)}`);
  const [short, long] = w <= h ? [w, h] : [h, w];
  let newShort = s[0]!, newLong = Math.trunc((newShort * long) / short);
  if (maxSize !== undefined) {
    if (maxSize <= newShort) throw new ValueError(`resize: maxSize = ${maxSize} must be strictly greater than the requested size for the smaller edge size = ${newShort}`);
    if (newLong > maxSize) [newShort, newLong] = [Math.trunc((maxSize * newShort) / newLong), maxSize];
  }
  return w <= h ? [newLong, newShort] : [newShort, newLong];
}

const f32 = Math.fround;

/** Source index and weights along one axis, in float32 as PyTorch's CPU kernel computes them. */
function linearAxis(outN: number, inN: number): { i0: Int32Array; i1: Int32Array; l0: Float64Array; l1: Float64Array } {
  const scale = f32(inN / outN);
  const i0 = new Int32Array(outN), i1 = new Int32Array(outN), l0 = new Float64Array(outN), l1 = new Float64Array(outN);
  for (let o = 0; o < outN; o++) {
    // area_pixel_compute_source_index with align_corners=False, clamped at 0. The float32 scale
    // times (o + 0.5) is evaluated in double and only the weight is rounded to float32: this is
    // what PyTorch 1.13's CPU kernel produces (e.g. weight 0.49999988, not 0.5, for 6 → 11 rows).
    const src = Math.max(0, scale * (o + 0.5) - 0.5);
    const idx = Math.floor(src);
    i0[o] = idx;
    i1[o] = idx < inN - 1 ? idx + 1 : idx;
    l1[o] = f32(src - idx);
    l0[o] = f32(1 - l1[o]!);
  }
  return { i0, i1, l0, l1 };
}

/** Resamples a planar buffer to oh×ow. */
export function resizePlanar(p: Planar, oh: number, ow: number, mode: InterpolationMode): Planar {
  const out = emptyLike(p, p.c, oh, ow);
  const planes = batchOf(p) * p.c;
  // Compute in float32 like torchvision (uint8 images are cast to float32 first).
  const r = p.kind === 'float64' ? (v: number) => v : f32;
  if (mode === 'nearest') {
    // PyTorch 'nearest': src = floor(dst * (in / out)), clamped to in-1
    const sy = f32(p.h / oh), sx = f32(p.w / ow);
    for (let k = 0; k < planes; k++) {
      for (let y = 0; y < oh; y++) {
        const iy = Math.min(Math.floor(f32(y * sy)), p.h - 1);
        for (let x = 0; x < ow; x++) out.data[(k * oh + y) * ow + x] = p.data[(k * p.h + iy) * p.w + Math.min(Math.floor(f32(x * sx)), p.w - 1)]!;
      }
    }
    return out;
  }
  if (mode !== 'bilinear') throw new ValueError(`resize: interpolation '${String(mode)}' is not supported; use 'bilinear' or 'nearest'`);
  const ax = linearAxis(ow, p.w), ay = linearAxis(oh, p.h);
  for (let k = 0; k < planes; k++) {
    const base = k * p.h * p.w;
    for (let y = 0; y < oh; y++) {
      const r0 = base + ay.i0[y]! * p.w, r1 = base + ay.i1[y]! * p.w, h0 = ay.l0[y]!, h1 = ay.l1[y]!;
      for (let x = 0; x < ow; x++) {
        const c0 = ax.i0[x]!, c1 = ax.i1[x]!, w0 = ax.l0[x]!, w1 = ax.l1[x]!;
        const top = r(r(w0 * p.data[r0 + c0]!) + r(w1 * p.data[r0 + c1]!));
        const bot = r(r(w0 * p.data[r1 + c0]!) + r(w1 * p.data[r1 + c1]!));
        out.data[(k * oh + y) * ow + x] = r(r(h0 * top) + r(h1 * bot));
      }
    }
  }
  return out;
}

/**
 * F.resize: `size` [h, w] resizes exactly; a single int matches the smaller edge (aspect kept,
 * longer edge truncated like torchvision). Bilinear uses align_corners=False, no antialias.
 */
export function resize<I extends ImageInput>(img: I, size: number | readonly number[], options: ResizeOptions = {}): I {
  if (options.antialias) {
    throw new ValueError('resize: antialias=true is not implemented in Kiln; torchvision 0.14 tensors default to antialias off, which is what Kiln computes');
  }
  const [, h, w] = getDimensions(img);
  const [oh, ow] = resizedOutputSize(h, w, size, options.maxSize);
  const p = toPlanar(img, 'resize');
  if (oh === h && ow === w) return fromPlanar(p, ndimOf(img)) as I;
  return fromPlanar(resizePlanar(p, oh, ow, options.interpolation ?? 'bilinear'), ndimOf(img)) as I;
}

/** F.resized_crop: crop then resize. */
export function resizedCrop<I extends ImageInput>(img: I, top: number, left: number, height: number, width: number, size: number | readonly number[], options: ResizeOptions = {}): I {
  return resize(crop(img, top, left, height, width), size, options);
}
