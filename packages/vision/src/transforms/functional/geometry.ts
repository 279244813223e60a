/**
 * Pixel-moving ops without interpolation: crop, flips, pad, centerCrop
 * (torchvision.transforms.functional on tensors).
 * @packageDocumentation
 */
import { ValueError } from '@kiln/tensor';
import { batchOf, emptyLike, fromPlanar, ndimOf, roundHalfEven, toPlanar, type ImageInput, type Planar } from '../../image.js';

/** Applies `f(x, y) → source (x, y) or null` to every output pixel; null means `fill`. */
function remap(p: Planar, oh: number, ow: number, src: (x: number, y: number) => [number, number] | null, fill: readonly number[] = [0]): Planar {
  const out = emptyLike(p, p.c, oh, ow);
  const planes = batchOf(p) * p.c;
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      const s = src(x, y);
      for (let k = 0; k < planes; k++) {
        const o = (k * oh + y) * ow + x;
        out.data[o] = s ? p.data[(k * p.h + s[1]) * p.w + s[0]]! : fill.length === 1 ? fill[0]! : fill[k % p.c] ?? 0;
      }
    }
  }
  return out;
}

/** F.crop: the box at (top, left) of size height×width; parts outside the image are zero. */
export function crop<I extends ImageInput>(img: I, top: number, left: number, height: number, width: number): I {
  const p = toPlanar(img, 'crop');
  const out = remap(p, height, width, (x, y) => {
    const sx = x + left, sy = y + top;
    return sx >= 0 && sx < p.w && sy >= 0 && sy < p.h ? [sx, sy] : null;
  });
  return fromPlanar(out, ndimOf(img)) as I;
}

/** F.hflip: mirror left–right. */
export function hflip<I extends ImageInput>(img: I): I {
  const p = toPlanar(img, 'hflip');
  return fromPlanar(remap(p, p.h, p.w, (x, y) => [p.w - 1 - x, y]), ndimOf(img)) as I;
}

/** F.vflip: mirror top–bottom. */
export function vflip<I extends ImageInput>(img: I): I {
  const p = toPlanar(img, 'vflip');
  return fromPlanar(remap(p, p.h, p.w, (x, y) => [x, p.h - 1 - y]), ndimOf(img)) as I;
}

/** Padding modes of F.pad. */
export type PaddingMode = 'constant' | 'edge' | 'reflect' | 'symmetric';

/** [left, top, right, bottom] from torchvision's 1-, 2- or 4-element padding. */
export function parsePadding(padding: number | readonly number[], op: string): [number, number, number, number] {
  const p = typeof padding === 'number' ? [padding] : [...padding];
  if (!p.every((v) => Number.isInteger(v))) throw new ValueError(`${op}: padding must be integers, got [${p.join(', ')}]`);
  if (p.length === 1) return [p[0]!, p[0]!, p[0]!, p[0]!];
  if (p.length === 2) return [p[0]!, p[1]!, p[0]!, p[1]!];
  if (p.length === 4) return p as [number, number, number, number];
  throw new ValueError(`${op}: Padding must be an int or a 1, 2, or 4 element tuple, not a ${p.length} element tuple`);
}

/** Maps an out-of-range coordinate into [0, n) for each padding mode (null: constant fill). */
function reflectIndex(i: number, n: number, mode: PaddingMode): number | null {
  if (i >= 0 && i < n) return i;
  if (mode === 'constant') return null;
  if (mode === 'edge') return Math.min(n - 1, Math.max(0, i));
  if (mode === 'reflect') {
    // …2 1 | 0 1 2 … n-1 | n-2 …: period 2(n-1), edge pixel not repeated
    if (n === 1) return 0;
    const period = 2 * (n - 1);
    const m = ((i % period) + period) % period;
    return m < n ? m : period - m;
  }
  // symmetric: …1 0 | 0 1 … n-1 | n-1 n-2 …: period 2n, edge pixel repeated
  const period = 2 * n;
  const m = ((i % period) + period) % period;
  return m < n ? m : period - 1 - m;
}

/**
 * F.pad: `padding` is one int (all sides), [leftRight, topBottom] or [left, top, right, bottom];
 * negative padding crops. `fill` is used by 'constant' mode (a number, or one value per channel).
 */
export function pad<I extends ImageInput>(img: I, padding: number | readonly number[], options: { fill?: number | readonly number[]; paddingMode?: PaddingMode } = {}): I {
  const mode = options.paddingMode ?? 'constant';
  if (!['constant', 'edge', 'reflect', 'symmetric'].includes(mode)) throw new ValueError(`pad: Padding mode should be either constant, edge, reflect or symmetric, got '${mode}'`);
  const [l, t, r, b] = parsePadding(padding, 'pad');
  const p = toPlanar(img, 'pad');
  if (mode === 'reflect' && (Math.max(l, r) >= p.w || Math.max(t, b) >= p.h)) {
    throw new ValueError(`pad: reflect padding (${l}, ${t}, ${r}, ${b}) must be smaller than the image size ${p.h}x${p.w}; use 'symmetric' or smaller padding`);
  }
  const fill = typeof options.fill === 'number' ? [options.fill] : options.fill ? [...options.fill] : [0];
  const oh = p.h + t + b, ow = p.w + l + r;
  const out = remap(p, oh, ow, (x, y) => {
    const sx = reflectIndex(x - l, p.w, mode), sy = reflectIndex(y - t, p.h, mode);
    return sx === null || sy === null ? null : [sx, sy];
  }, fill);
  return fromPlanar(out, ndimOf(img)) as I;
}

/** torchvision's `_setup_size`: an int or [s] means a square, [h, w] as given. */
export function toSize2(size: number | readonly number[], op: string): [number, number] {
  const s = typeof size === 'number' ? [size, size] : size.length === 1 ? [size[0]!, size[0]!] : [...size];
  if (s.length !== 2 || !s.every((v) => Number.isInteger(v) && v > 0)) {
    throw new ValueError(`${op}: Please provide only two dimensions (h, w) for size, as positive integers; got ${JSON.stringify(size)}`);
  }
  return s as [number, number];
}

/**
 * F.center_crop: crops the centre (offsets rounded like Python's round, half to even); an
 * output larger than the image is zero-padded first, as torchvision does.
 */
export function centerCrop<I extends ImageInput>(img: I, outputSize: number | readonly number[]): I {
  const [th, tw] = toSize2(outputSize, 'centerCrop');
  const p = toPlanar(img, 'centerCrop');
  let cur: I = img;
  let h = p.h, w = p.w;
  if (tw > w || th > h) {
    const padLTRB = [tw > w ? (tw - w) >> 1 : 0, th > h ? (th - h) >> 1 : 0, tw > w ? (tw - w + 1) >> 1 : 0, th > h ? (th - h + 1) >> 1 : 0];
    cur = pad(img, padLTRB, { fill: 0 });
    h += padLTRB[1]! + padLTRB[3]!;
    w += padLTRB[0]! + padLTRB[2]!;
    if (tw === w && th === h) return cur;
  }
  return crop(cur, roundHalfEven((h - th) / 2), roundHalfEven((w - tw) / 2), th, tw);
}
