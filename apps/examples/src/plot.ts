/**
 * A very small plotting helper for the examples (matplotlib's role in the tutorials): an RGBA
 * canvas with rectangles, lines, dots and a 3×5 pixel font, plus `Axes` that map data
 * coordinates to pixels and draw a frame with tick labels. Saved as PNG with @kiln/vision's
 * `writePng`. No dependencies beyond that, so the PNG is the same on every machine.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { writePng, type RawImage } from '@kiln/vision';

export type RGB = readonly [number, number, number];
export const WHITE: RGB = [255, 255, 255];
export const BLACK: RGB = [0, 0, 0];
export const GREY: RGB = [200, 200, 200];
export const RED: RGB = [214, 39, 40];
export const BLUE: RGB = [31, 119, 180];
export const ORANGE: RGB = [255, 127, 14];
export const GREEN: RGB = [44, 160, 44];

/** Rows of each 3×5 glyph, 3 bits per row (most significant bit = left pixel). */
const FONT: Record<string, readonly number[]> = {
  '0': [7, 5, 5, 5, 7], '1': [2, 6, 2, 2, 7], '2': [7, 1, 7, 4, 7], '3': [7, 1, 7, 1, 7], '4': [5, 5, 7, 1, 1],
  '5': [7, 4, 7, 1, 7], '6': [7, 4, 7, 5, 7], '7': [7, 1, 1, 1, 1], '8': [7, 5, 7, 5, 7], '9': [7, 5, 7, 1, 7],
  A: [2, 5, 7, 5, 5], B: [6, 5, 6, 5, 6], C: [3, 4, 4, 4, 3], D: [6, 5, 5, 5, 6], E: [7, 4, 6, 4, 7], F: [7, 4, 6, 4, 4],
  G: [3, 4, 5, 5, 3], H: [5, 5, 7, 5, 5], I: [7, 2, 2, 2, 7], J: [1, 1, 1, 5, 2], K: [5, 5, 6, 5, 5], L: [4, 4, 4, 4, 7],
  M: [5, 7, 7, 5, 5], N: [6, 5, 5, 5, 5], O: [2, 5, 5, 5, 2], P: [6, 5, 6, 4, 4], Q: [2, 5, 5, 6, 3], R: [6, 5, 6, 5, 5],
  S: [3, 4, 2, 1, 6], T: [7, 2, 2, 2, 2], U: [5, 5, 5, 5, 7], V: [5, 5, 5, 5, 2], W: [5, 5, 7, 7, 5], X: [5, 5, 2, 5, 5],
  Y: [5, 5, 2, 2, 2], Z: [7, 1, 2, 4, 7], '.': [0, 0, 0, 0, 2], '-': [0, 0, 7, 0, 0], '=': [0, 7, 0, 7, 0],
  ':': [0, 2, 0, 2, 0], '%': [5, 1, 2, 4, 5], '/': [1, 1, 2, 4, 4], '(': [1, 2, 2, 2, 1], ')': [4, 2, 2, 2, 4],
  '+': [0, 2, 7, 2, 0], '<': [1, 2, 4, 2, 1], '>': [4, 2, 1, 2, 4], ',': [0, 0, 0, 2, 4],
};

/** A rectangle in pixels. */
export interface Box { x: number; y: number; w: number; h: number }

/** An RGBA image you can draw on. */
export class Canvas {
  readonly data: Uint8Array;
  constructor(readonly width: number, readonly height: number, background: RGB = WHITE) {
    this.data = new Uint8Array(width * height * 4);
    this.rect(0, 0, width, height, background);
  }

  /** Sets one pixel (ignored outside the canvas). */
  pixel(x: number, y: number, c: RGB): void {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    this.data.set([c[0], c[1], c[2], 255], (y * this.width + x) * 4);
  }

  /** A filled rectangle. */
  rect(x: number, y: number, w: number, h: number, c: RGB): void {
    for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) this.pixel(x + i, y + j, c);
  }

  /** A filled disc of radius r. */
  dot(x: number, y: number, r: number, c: RGB): void {
    for (let j = -r; j <= r; j++) for (let i = -r; i <= r; i++) if (i * i + j * j <= r * r) this.pixel(x + i, y + j, c);
  }

  /** A straight line `thickness` pixels wide (sampled every half pixel), optionally clipped to a box. */
  line(x0: number, y0: number, x1: number, y1: number, c: RGB, thickness = 1, clip?: Box): void {
    const steps = Math.min(1e5, Math.max(1, Math.ceil(2 * Math.hypot(x1 - x0, y1 - y0))));
    const r = Math.floor(thickness / 2);
    for (let s = 0; s <= steps; s++) {
      const x = x0 + ((x1 - x0) * s) / steps, y = y0 + ((y1 - y0) * s) / steps;
      if (clip && (x < clip.x || y < clip.y || x > clip.x + clip.w || y > clip.y + clip.h)) continue;
      if (r === 0) this.pixel(x, y, c);
      else this.dot(x, y, r, c);
    }
  }

  /** Text in the 3×5 font, `scale` canvas pixels per font pixel; lower-case is drawn as upper-case. */
  text(s: string, x: number, y: number, c: RGB = BLACK, scale = 2): void {
    [...s.toUpperCase()].forEach((ch, n) => {
      const rows = FONT[ch];
      if (!rows) return; // spaces and unknown characters leave a gap
      for (let r = 0; r < 5; r++) {
        for (let col = 0; col < 3; col++) {
          if ((rows[r]! >> (2 - col)) & 1) this.rect(x + (n * 4 + col) * scale, y + r * scale, scale, scale, c);
        }
      }
    });
  }

  /** Width in pixels of `s` drawn at `scale`. */
  static textWidth(s: string, scale = 2): number {
    return s.length === 0 ? 0 : (s.length * 4 - 1) * scale;
  }

  toImage(): RawImage {
    return { data: this.data, width: this.width, height: this.height, channels: 4 };
  }

  /** Writes the canvas as a PNG (creating the folder). */
  save(path: string): void {
    mkdirSync(dirname(path), { recursive: true });
    writePng(path, this.toImage());
  }
}

/** About `n` round tick values covering [lo, hi] (1, 2 or 5 × a power of ten apart). */
export function niceTicks(lo: number, hi: number, n = 5): number[] {
  const span = hi - lo || 1;
  const raw = span / n;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * span; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** A plotting area inside a canvas with data ranges on x and y. */
export class Axes {
  constructor(
    readonly canvas: Canvas,
    readonly box: Box,
    readonly xRange: readonly [number, number],
    readonly yRange: readonly [number, number],
  ) {}

  /** Data → pixel coordinates (y grows upwards on the plot). */
  px(x: number, y: number): [number, number] {
    const { box, xRange: [x0, x1], yRange: [y0, y1] } = this;
    return [box.x + ((x - x0) / (x1 - x0)) * box.w, box.y + box.h - ((y - y0) / (y1 - y0)) * box.h];
  }

  /** The frame, grid lines at the ticks, tick labels and a title above. */
  frame(title = '', xLabel = '', yLabel = ''): void {
    const { canvas: cv, box } = this;
    for (const t of niceTicks(...this.xRange)) {
      const [x] = this.px(t, 0);
      cv.line(x, box.y, x, box.y + box.h, GREY);
      const s = String(t);
      cv.text(s, x - Canvas.textWidth(s) / 2, box.y + box.h + 6);
    }
    for (const t of niceTicks(...this.yRange)) {
      const [, y] = this.px(0, t);
      cv.line(box.x, y, box.x + box.w, y, GREY);
      const s = String(t);
      cv.text(s, box.x - Canvas.textWidth(s) - 6, y - 5);
    }
    cv.line(box.x, box.y, box.x, box.y + box.h, BLACK);
    cv.line(box.x, box.y + box.h, box.x + box.w, box.y + box.h, BLACK);
    cv.line(box.x, box.y, box.x + box.w, box.y, BLACK);
    cv.line(box.x + box.w, box.y, box.x + box.w, box.y + box.h, BLACK);
    if (title) cv.text(title, box.x, box.y - 16);
    if (xLabel) cv.text(xLabel, box.x + box.w - Canvas.textWidth(xLabel), box.y + box.h + 20);
    if (yLabel) cv.text(yLabel, box.x + 4, box.y + 4);
  }

  /** plt.scatter(xs, ys) */
  scatter(xs: readonly number[], ys: readonly number[], c: RGB = BLUE, r = 3): void {
    xs.forEach((x, i) => this.canvas.dot(...this.px(x, ys[i]!), r, c));
  }

  /** plt.plot(xs, ys): a polyline. */
  plot(xs: readonly number[], ys: readonly number[], c: RGB = RED, thickness = 2): void {
    for (let i = 1; i < xs.length; i++) this.canvas.line(...this.px(xs[i - 1]!, ys[i - 1]!), ...this.px(xs[i]!, ys[i]!), c, thickness, this.box);
  }
}

/**
 * Images in a grid with a label under each, green when `correct[i]` and red otherwise (the
 * tutorials' "GroundTruth / Predicted" pictures). Images are RawImages (grey or RGB bytes).
 */
export function drawLabelledGrid(
  images: readonly RawImage[],
  labels: readonly string[],
  correct: readonly boolean[],
  path: string,
  options: { nrow?: number; scale?: number } = {},
): { width: number; height: number } {
  const { nrow = 8, scale = 2 } = options;
  const w = Math.max(...images.map((i) => i.width)) * scale, h = Math.max(...images.map((i) => i.height)) * scale;
  const pad = 6, labelH = 16;
  const cols = Math.min(nrow, images.length), rows = Math.ceil(images.length / cols);
  const cv = new Canvas(cols * (w + pad) + pad, rows * (h + labelH + pad) + pad, [40, 40, 40]);
  images.forEach((img, k) => {
    const ox = pad + (k % cols) * (w + pad), oy = pad + Math.floor(k / cols) * (h + labelH + pad);
    for (let y = 0; y < img.height * scale; y++) {
      for (let x = 0; x < img.width * scale; x++) {
        const i = (Math.floor(y / scale) * img.width + Math.floor(x / scale)) * img.channels;
        const c: RGB = img.channels >= 3 ? [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!] : [img.data[i]!, img.data[i]!, img.data[i]!];
        cv.pixel(ox + x, oy + y, c);
      }
    }
    const text = labels[k] ?? '';
    cv.text(text, ox + (w - Canvas.textWidth(text)) / 2, oy + h + 3, correct[k] ? GREEN_LIGHT : RED_LIGHT);
  });
  cv.save(path);
  return { width: cv.width, height: cv.height };
}

const GREEN_LIGHT: RGB = [120, 230, 120];
const RED_LIGHT: RGB = [255, 90, 90];
