/**
 * F.rotate and F.affine on the tensor path: an inverse affine matrix, torchvision's affine grid,
 * and grid_sample (align_corners=False, zero padding) with a mask channel for the fill colour.
 * @packageDocumentation
 */
import { ValueError } from '@kiln/tensor';
import { batchOf, emptyLike, fromPlanar, ndimOf, toPlanar, type ImageInput, type Planar } from '../../image.js';
import type { InterpolationMode } from './resize.js';

/** Options shared by rotate and affine. */
export interface AffineOptions {
  /** 'nearest' (default) or 'bilinear'. */
  interpolation?: InterpolationMode;
  /** Colour for pixels from outside the image: a number or one per channel (default: none, i.e. 0). */
  fill?: number | readonly number[] | null;
  /** Centre of rotation in pixels [x, y] (default: the image centre). */
  center?: readonly [number, number] | null;
}

const rad = (d: number) => (d * Math.PI) / 180;

/** torchvision's `_get_inverse_affine_matrix` (output → input pixel mapping, centre-relative). */
export function inverseAffineMatrix(center: readonly number[], angle: number, translate: readonly number[], scale: number, shear: readonly number[]): number[] {
  const rot = rad(angle), sx = rad(shear[0]!), sy = rad(shear[1]!);
  const [cx, cy] = center as [number, number];
  const [tx, ty] = translate as [number, number];
  const a = Math.cos(rot - sy) / Math.cos(sy);
  const b = (-Math.cos(rot - sy) * Math.tan(sx)) / Math.cos(sy) - Math.sin(rot);
  const c = Math.sin(rot - sy) / Math.cos(sy);
  const d = (-Math.sin(rot - sy) * Math.tan(sx)) / Math.cos(sy) + Math.cos(rot);
  const m = [d, -b, 0, -c, a, 0].map((x) => x / scale);
  m[2]! += m[0]! * (-cx - tx) + m[1]! * (-cy - ty);
  m[5]! += m[3]! * (-cx - tx) + m[4]! * (-cy - ty);
  m[2]! += cx;
  m[5]! += cy;
  return m;
}

/** Output size that holds the whole rotated image (`expand=true`), as torchvision computes it. */
function expandedSize(m: readonly number[], w: number, h: number): [number, number] {
  const pts = [[-0.5 * w, -0.5 * h], [-0.5 * w, 0.5 * h], [0.5 * w, 0.5 * h], [0.5 * w, -0.5 * h]] as const;
  const xs = pts.map(([x, y]) => Math.fround(m[0]! * x + m[1]! * y + m[2]!));
  const ys = pts.map(([x, y]) => Math.fround(m[3]! * x + m[4]! * y + m[5]!));
  const tol = 1e-4;
  const span = (v: number[], half: number) => Math.ceil(Math.trunc((Math.max(...v) + half) / tol) * tol) - Math.floor(Math.trunc((Math.min(...v) + half) / tol) * tol);
  return [span(xs, w * 0.5), span(ys, h * 0.5)];
}

/** Samples `p` through the affine matrix onto an oh×ow grid (torchvision `_apply_grid_transform`). */
function gridTransform(p: Planar, m: readonly number[], ow: number, oh: number, mode: InterpolationMode, fill: readonly number[] | null): Planar {
  if (mode !== 'nearest' && mode !== 'bilinear') throw new ValueError(`affine: interpolation '${String(mode)}' is not supported; use 'nearest' or 'bilinear'`);
  const r = p.kind === 'float64' ? (v: number) => v : Math.fround;
  const { w, h } = p;
  // rescaled theta: theta^T / [0.5 w, 0.5 h]
  const t = [r(m[0]!), r(m[1]!), r(m[2]!), r(m[3]!), r(m[4]!), r(m[5]!)];
  const hw = r(0.5 * w), hh = r(0.5 * h);
  const rx = [r(t[0]! / hw), r(t[1]! / hw), r(t[2]! / hw)], ry = [r(t[3]! / hh), r(t[4]! / hh), r(t[5]! / hh)];
  const out = emptyLike(p, p.c, oh, ow);
  const planes = batchOf(p) * p.c, n = w * h, on = ow * oh;
  const src = p.data, dst = out.data;
  const fills = fill ? Array.from({ length: planes }, (_, k) => r(fill.length === 1 ? fill[0]! : fill[k % p.c] ?? 0)) : null;
  for (let y = 0; y < oh; y++) {
    const by = r(-oh * 0.5 + 0.5 + y);
    for (let x = 0; x < ow; x++) {
      const bx = r(-ow * 0.5 + 0.5 + x);
      const gx = r(r(r(bx * rx[0]!) + r(by * rx[1]!)) + rx[2]!);
      const gy = r(r(r(bx * ry[0]!) + r(by * ry[1]!)) + ry[2]!);
      // grid_sampler_unnormalize with align_corners=False
      const ix = r(r(r(gx + 1) * w - 1) / 2), iy = r(r(r(gy + 1) * h - 1) / 2);
      const o = y * ow + x;
      if (mode === 'nearest') {
        const nx = nearbyint(ix), ny = nearbyint(iy);
        const inside = nx >= 0 && nx < w && ny >= 0 && ny < h;
        // mask < 0.5 (outside) takes the fill; without a fill grid_sample's zero padding shows
        for (let k = 0; k < planes; k++) dst[k * on + o] = inside ? src[k * n + ny * w + nx]! : fills ? fills[k]! : 0;
        continue;
      }
      const x0 = Math.floor(ix), y0 = Math.floor(iy), x1 = x0 + 1, y1 = y0 + 1;
      const wx1 = r(ix - x0), wy1 = r(iy - y0), wx0 = r(x1 - ix), wy0 = r(y1 - iy);
      // corner weights nw, ne, sw, se (zero when the corner is outside: zero padding)
      const inX0 = x0 >= 0 && x0 < w, inX1 = x1 >= 0 && x1 < w, inY0 = y0 >= 0 && y0 < h, inY1 = y1 >= 0 && y1 < h;
      const wnw = inX0 && inY0 ? r(wx0 * wy0) : 0, wne = inX1 && inY0 ? r(wx1 * wy0) : 0;
      const wsw = inX0 && inY1 ? r(wx0 * wy1) : 0, wse = inX1 && inY1 ? r(wx1 * wy1) : 0;
      const mask = r(r(r(wnw + wne) + wsw) + wse);
      const inw = y0 * w + x0, ine = inw + 1, isw = inw + w, ise = isw + 1;
      for (let k = 0; k < planes; k++) {
        const b = k * n;
        let v = 0;
        if (wnw) v = r(v + r(src[b + inw]! * wnw));
        if (wne) v = r(v + r(src[b + ine]! * wne));
        if (wsw) v = r(v + r(src[b + isw]! * wsw));
        if (wse) v = r(v + r(src[b + ise]! * wse));
        dst[k * on + o] = fills ? r(r(v * mask) + r(r(1 - mask) * fills[k]!)) : v;
      }
    }
  }
  return out;
}

/** std::nearbyint: round half to even. */
function nearbyint(v: number): number {
  const f = Math.floor(v), d = v - f;
  return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
}

function fillList(fill: AffineOptions['fill']): number[] | null {
  return fill === undefined || fill === null ? null : typeof fill === 'number' ? [fill] : [...fill];
}

function centerF(center: AffineOptions['center'], w: number, h: number): [number, number] {
  return center ? [center[0] - w * 0.5, center[1] - h * 0.5] : [0, 0];
}

/**
 * F.rotate: counter-clockwise by `angle` degrees around the centre (or `center`); `expand`
 * enlarges the output to hold the whole image.
 */
export function rotate<I extends ImageInput>(img: I, angle: number, options: AffineOptions & { expand?: boolean } = {}): I {
  const p = toPlanar(img, 'rotate');
  const m = inverseAffineMatrix(centerF(options.center, p.w, p.h), -angle, [0, 0], 1, [0, 0]);
  const [ow, oh] = options.expand ? expandedSize(m, p.w, p.h) : [p.w, p.h];
  return fromPlanar(gridTransform(p, m, ow, oh, options.interpolation ?? 'nearest', fillList(options.fill)), ndimOf(img)) as I;
}

/**
 * F.affine: rotation by `angle` degrees (clockwise, as torchvision's affine), translation
 * [tx, ty] in pixels, `scale`, and `shear` in degrees (a number shears x only; [sx, sy]).
 */
export function affine<I extends ImageInput>(img: I, angle: number, translate: readonly number[], scale: number, shear: number | readonly number[], options: AffineOptions = {}): I {
  if (translate.length !== 2) throw new ValueError(`affine: Argument translate should be a sequence of length 2, got ${translate.length}`);
  if (!(scale > 0)) throw new ValueError(`affine: Argument scale should be positive, got ${scale}`);
  const s = typeof shear === 'number' ? [shear, 0] : shear.length === 1 ? [shear[0]!, shear[0]!] : [...shear];
  if (s.length !== 2) throw new ValueError(`affine: Shear should be a sequence containing two values. Got [${s.join(', ')}]`);
  const p = toPlanar(img, 'affine');
  const m = inverseAffineMatrix(centerF(options.center, p.w, p.h), angle, translate, scale, s);
  return fromPlanar(gridTransform(p, m, p.w, p.h, options.interpolation ?? 'nearest', fillList(options.fill)), ndimOf(img)) as I;
}
