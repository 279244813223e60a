/**
 * drawSampleGrid: a labelled picture of a dataset's first samples, for examples and READMEs.
 * @packageDocumentation
 */
import { isTensor, ValueError, type Tensor } from '@kiln/tensor';
import { isRawImage, type RawImage } from '../image.js';
import { drawText, GLYPH_HEIGHT, textWidth } from './bitmap-font.js';

/** Options of drawSampleGrid. */
export interface SampleGridOptions {
  /** Number of samples (default 16, capped at the dataset length). */
  count?: number;
  /** Samples per row (default 8). */
  nrow?: number;
  /** Integer upscaling of every image (default 2, so 28-pixel digits stay readable). */
  scale?: number;
  /** Pixels between cells (default 2). */
  padding?: number;
  /** Turns a target into the label text (default: the target's number). */
  label?: (target: unknown) => string;
}

/** A sample's image as grey bytes (first channel mean for RGB) and its size. */
function toGrey(img: unknown): { data: Uint8Array; w: number; h: number } {
  if (isRawImage(img)) {
    const { data, width: w, height: h, channels: c } = img;
    const out = new Uint8Array(w * h);
    for (let i = 0; i < w * h; i++) {
      let s = 0;
      for (let k = 0; k < Math.min(c, 3); k++) s += data[i * c + k]!;
      out[i] = Math.round(s / Math.min(c, 3));
    }
    return { data: out, w, h };
  }
  if (isTensor(img)) {
    const t = img as Tensor;
    const [c, h, w] = (t.ndim === 2 ? [1, ...t.shape] : t.shape) as [number, number, number];
    const v = t.dataSync();
    let lo = Infinity, hi = -Infinity;
    for (const x of v) [lo, hi] = [Math.min(lo, x), Math.max(hi, x)];
    const out = new Uint8Array(w * h);
    // Normalised tensors (e.g. after Normalize) are rescaled to their own min..max.
    for (let i = 0; i < w * h; i++) {
      let s = 0;
      for (let k = 0; k < Math.min(c, 3); k++) s += v[k * w * h + i]!;
      out[i] = Math.round((255 * (s / Math.min(c, 3) - lo)) / Math.max(hi - lo, 1e-5));
    }
    return { data: out, w, h };
  }
  throw new ValueError(`drawSampleGrid: samples must be [image, target] with a RawImage or tensor image, got ${typeof img}`);
}

/**
 * Draws the first `count` samples of a dataset of `[image, target]` pairs in a grid, each with
 * its label printed underneath in a small bitmap font. Returns a grey RawImage (save it with
 * `writePng`).
 */
export function drawSampleGrid(dataset: { getItem(i: number): unknown; readonly length: number }, options: SampleGridOptions = {}): RawImage {
  const { nrow = 8, scale = 2, padding = 2, label = (t: unknown) => String(isTensor(t) ? (t as Tensor).item() : t) } = options;
  const count = Math.min(options.count ?? 16, dataset.length);
  if (count <= 0) throw new ValueError('drawSampleGrid: the dataset is empty');
  const samples = Array.from({ length: count }, (_, i) => {
    const s = dataset.getItem(i);
    if (!Array.isArray(s) || s.length < 2) throw new ValueError(`drawSampleGrid: sample ${i} is not an [image, target] pair`);
    return { img: toGrey(s[0]), text: label(s[1]) };
  });
  const cw = Math.max(...samples.map((s) => s.img.w)) * scale;
  const labelH = (GLYPH_HEIGHT + 2) * Math.max(1, scale - 1);
  const ch = Math.max(...samples.map((s) => s.img.h)) * scale + labelH;
  const cols = Math.min(nrow, count), rows = Math.ceil(count / cols);
  const width = cols * (cw + padding) + padding, height = rows * (ch + padding) + padding;
  const data = new Uint8Array(width * height).fill(40);
  samples.forEach(({ img, text }, k) => {
    const ox = (k % cols) * (cw + padding) + padding, oy = Math.floor(k / cols) * (ch + padding) + padding;
    for (let y = 0; y < img.h * scale; y++) {
      for (let x = 0; x < img.w * scale; x++) data[(oy + y) * width + ox + x] = img.data[Math.floor(y / scale) * img.w + Math.floor(x / scale)]!;
    }
    const fs = Math.max(1, scale - 1);
    drawText(data, width, text, ox + Math.floor((cw - textWidth(text, fs)) / 2), oy + img.h * scale + fs, fs, 255);
  });
  return { data, width, height, channels: 1 };
}
